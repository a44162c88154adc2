# One build, three images: docker build --target hub|sim-netsuite|sim-orderez .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Hub.Api/Hub.Api.csproj -c Release -o /out/hub \
 && dotnet publish src/Sim.NetSuite/Sim.NetSuite.csproj -c Release -o /out/sim-netsuite \
 && dotnet publish src/Sim.OrderEz/Sim.OrderEz.csproj -c Release -o /out/sim-orderez

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS hub
WORKDIR /app
COPY --from=build /out/hub .
ENTRYPOINT ["dotnet", "Hub.Api.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS sim-netsuite
WORKDIR /app
COPY --from=build /out/sim-netsuite .
ENTRYPOINT ["dotnet", "Sim.NetSuite.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS sim-orderez
WORKDIR /app
COPY --from=build /out/sim-orderez .
ENTRYPOINT ["dotnet", "Sim.OrderEz.dll"]
