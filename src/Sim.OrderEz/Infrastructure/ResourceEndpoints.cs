namespace Sim.OrderEz.Infrastructure;

/// <summary>The read endpoints every supplier resource shares: a paged list by updatedAt, and one by id.</summary>
internal static class ResourceEndpoints
{
    public static void MapList<T>(this IEndpointRouteBuilder app, string path, Func<SimState, IEnumerable<T>> items,
        Func<T, DateTimeOffset> updatedAt, Func<T, long> id) =>
        app.MapGet(path, (HttpRequest request, SimState state) =>
        {
            var errors = new FieldErrors();
            var query = ListQuery.Parse(request.Query, errors);
            if (errors.Any) return ApiResults.Unprocessable(errors);
            lock (state.Gate) return query.Apply(items(state), updatedAt, id);
        });

    public static void MapGetById<T>(this IEndpointRouteBuilder app, string path, string noun, Func<SimState, Dictionary<long, T>> items)
        where T : class =>
        app.MapGet(path, (long id, SimState state) =>
        {
            lock (state.Gate)
            {
                return items(state).TryGetValue(id, out var item)
                    ? ApiResults.Data(item)
                    : ApiResults.NotFound($"{noun} {id} not found.");
            }
        });
}
