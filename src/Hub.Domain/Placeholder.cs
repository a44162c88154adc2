namespace Hub.Domain; public static class Placeholder {}
