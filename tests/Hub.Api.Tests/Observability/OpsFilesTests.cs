using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace Hub.Api.Tests.Observability;

/// <summary>
/// docker-compose.yml and the observability files cannot be run here (no Docker), so they are read: valid YAML and
/// JSON, the optional services behind their profile, every mounted file present, readiness used where the hub is
/// waited for. The metric names the dashboard and alerts ask for are checked against a real scrape in
/// <see cref="TelemetryTests"/>.
/// </summary>
public sealed class OpsFilesTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void compose_keeps_prometheus_and_grafana_behind_the_observability_profile_and_mounts_files_that_exist()
    {
        var services = (YamlMappingNode)Load("docker-compose.yml")["services"];
        var names = services.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
        names.ShouldContain("prometheus");
        names.ShouldContain("grafana");
        foreach (var name in new[] { "prometheus", "grafana" })
        {
            var service = (YamlMappingNode)services[name];
            ((YamlSequenceNode)service["profiles"]).Children.Select(c => ((YamlScalarNode)c).Value).ShouldBe(["observability"]);
            foreach (var volume in ((YamlSequenceNode)service["volumes"]).Children.Select(v => ((YamlScalarNode)v).Value!))
            {
                var source = volume.Split(':')[0];
                source.ShouldStartWith("./");
                (File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source))).ShouldBeTrue($"{name} mounts {source}, which must be committed");
            }
        }
        foreach (var name in new[] { "postgres", "netsuite", "orderez", "hub", "subscribe" })
        {
            var service = (YamlMappingNode)services[name];
            service.Children.ContainsKey("profiles").ShouldBeFalse($"{name} runs without a profile");
        }
        var hub = (YamlMappingNode)services["hub"];
        string.Join(' ', ((YamlSequenceNode)((YamlMappingNode)hub["healthcheck"])["test"]).Children.Select(c => ((YamlScalarNode)c).Value)).ShouldContain("/health/ready");
        var subscribe = (YamlMappingNode)services["subscribe"];
        ((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)subscribe["depends_on"])["hub"])["condition"]).Value.ShouldBe("service_healthy");
    }

    [Fact]
    public void prometheus_scrapes_the_hub_with_a_key_and_loads_its_alerts_and_grafana_is_provisioned_with_the_dashboard()
    {
        var prometheus = Load("ops/prometheus/prometheus.yml");
        var job = (YamlMappingNode)((YamlSequenceNode)prometheus["scrape_configs"]).Children.Single();
        ((YamlScalarNode)job["metrics_path"]).Value.ShouldBe("/metrics");
        ((YamlScalarNode)((YamlMappingNode)job["authorization"])["type"]).Value.ShouldBe("Bearer");
        ((YamlSequenceNode)prometheus["rule_files"]).Children.Select(c => ((YamlScalarNode)c).Value).ShouldContain("/etc/prometheus/alerts.yml");

        var rules = (YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)Load("ops/prometheus/alerts.yml")["groups"]).Children.Single())["rules"];
        foreach (var rule in rules.Children.Cast<YamlMappingNode>())
        {
            ((YamlScalarNode)rule["expr"]).Value.ShouldNotBeNullOrWhiteSpace();
            ((YamlScalarNode)((YamlMappingNode)rule["annotations"])["runbook"]).Value.ShouldStartWith("README › Runbook › ");
        }
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        foreach (var section in rules.Children.Cast<YamlMappingNode>().Select(r => ((YamlScalarNode)((YamlMappingNode)r["annotations"])["runbook"]).Value!["README › Runbook › ".Length..]).Distinct())
            readme.ShouldContain($"#### {section}", customMessage: $"the runbook has a section '{section}'");

        var datasource = (YamlMappingNode)((YamlSequenceNode)Load("ops/grafana/provisioning/datasources/prometheus.yml")["datasources"]).Children.Single();
        var uid = ((YamlScalarNode)datasource["uid"]).Value;
        var dashboard = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "ops/grafana/dashboards/hub.json")))!;
        foreach (var panel in dashboard["panels"]!.AsArray())
            panel!["datasource"]!["uid"]!.GetValue<string>().ShouldBe(uid, $"panel '{panel["title"]}' uses the provisioned datasource");
    }

    private static YamlMappingNode Load(string relative)
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, relative));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hub.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Hub.sln not found above the test binaries.");
    }
}
