namespace Pipeline.Host.Composition;

/// <summary>
/// A plugin lock file refused the plugin files on disk (a file changed or is not listed), or the lock file itself is
/// malformed. Nothing from the plugin directories is loaded.
/// </summary>
public sealed class PluginLockException(string message) : Exception(message);
