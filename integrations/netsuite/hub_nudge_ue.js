/**
 * OrderEZ ⇄ NetSuite hub: tell the hub that a fulfilment, invoice or customer payment changed, so it need not
 * wait for its next poll. The nudge carries only {recordType, id}; the hub reads the record itself, so a lost
 * nudge costs nothing but the polling delay.
 *
 * Deploy on itemfulfillment, invoice and customerpayment (After Submit). Script parameters:
 *   custscript_hub_url            https://hub.example.com/webhooks/netsuite
 *   custscript_hub_secret_guid    GUID of an API secret holding the hub's nudge secret (the base64 after "whsec_")
 *   custscript_hub_integration_user  internal id of the hub's integration user: its own writes are not echoed
 *
 * @NApiVersion 2.1
 * @NScriptType UserEventScript
 * @NModuleScope SameAccount
 */
define(['N/https', 'N/runtime', 'N/crypto', 'N/encode', 'N/log'], (https, runtime, crypto, encode, log) => {
    const afterSubmit = (context) => {
        if (context.type === context.UserEventType.DELETE) return;
        const script = runtime.getCurrentScript();
        const hubUser = String(script.getParameter({ name: 'custscript_hub_integration_user' }) || '');
        // The hub's own transforms and payments would echo back to it; it already recorded them.
        if (hubUser && String(runtime.getCurrentUser().id) === hubUser) return;

        const body = JSON.stringify({ recordType: context.newRecord.type, id: String(context.newRecord.id) });
        const id = 'ns_' + context.newRecord.type + '_' + context.newRecord.id + '_' + Date.now();
        const timestamp = String(Math.floor(Date.now() / 1000));
        // Standard Webhooks: base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")), as the hub verifies OrderEZ's.
        const key = crypto.createSecretKey({ guid: script.getParameter({ name: 'custscript_hub_secret_guid' }), encoding: encode.Encoding.BASE_64 });
        const hmac = crypto.createHmac({ algorithm: crypto.HashAlg.SHA256, key });
        hmac.update({ input: id + '.' + timestamp + '.' + body, inputEncoding: encode.Encoding.UTF_8 });
        const signature = 'v1,' + hmac.digest({ outputEncoding: encode.Encoding.BASE_64 });
        try {
            const response = https.post({
                url: script.getParameter({ name: 'custscript_hub_url' }),
                body,
                headers: { 'Content-Type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
            });
            if (response.code >= 300) log.audit({ title: 'Hub nudge not taken', details: response.code + ' ' + response.body });
        } catch (e) {
            // Never fail the user's save for a nudge: the hub's poll finds the change anyway.
            log.error({ title: 'Hub nudge failed', details: e.message });
        }
    };
    return { afterSubmit };
});
