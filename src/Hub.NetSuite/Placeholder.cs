namespace Hub.NetSuite; internal static class Placeholder {}
