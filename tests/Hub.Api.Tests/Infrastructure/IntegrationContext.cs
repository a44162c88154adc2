namespace Hub.Api.Tests.Infrastructure;

/// <summary>Every integration test starts from empty simulators and an empty event store.</summary>
[Collection(HubCollection.Name)]
public abstract class IntegrationContext(HubFixture fixture) : IAsyncLifetime
{
    protected HubFixture Hub { get; } = fixture;
    public Task InitializeAsync() => Hub.ResetAsync();
    public Task DisposeAsync() => Task.CompletedTask;
}
