namespace Hub.Projections; public static class Placeholder {}
