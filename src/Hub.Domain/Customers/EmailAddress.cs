namespace Hub.Domain.Customers;

public static class EmailAddress
{
    /// <summary>Case, surrounding space and (optionally) "+tag" plus-addressing do not make a different mailbox.</summary>
    public static string Normalize(string email, bool ignorePlus)
    {
        var (local, domain) = Split(email.Trim().ToLowerInvariant());
        if (ignorePlus && local.IndexOf('+') is var plus and > 0) local = local[..plus];
        return $"{local}@{domain}";
    }

    public static (string Local, string Domain) Split(string email)
    {
        var at = email.LastIndexOf('@');
        return at < 0 ? (email, "") : (email[..at], email[(at + 1)..]);
    }
}
