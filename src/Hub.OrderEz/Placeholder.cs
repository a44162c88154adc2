namespace Hub.OrderEz; internal static class Placeholder {}
