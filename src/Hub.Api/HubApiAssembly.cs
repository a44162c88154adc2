namespace Hub.Api;

/// <summary>A type in the hub's entry assembly, for test hosts (the simulators have a Program class too).</summary>
public sealed class HubApiAssembly;
