namespace Pipeline.Host.Pipelines;

/// <summary>Derives per-component seeds from the run seed with a stable hash (string.GetHashCode is randomised per process).</summary>
public static class StableSeed
{
    public static long Derive(long seed, string name)
    {
        ulong hash = 14695981039346656037UL ^ (ulong)seed;
        foreach (char c in name)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }
        return (long)(hash & 0x7FFF_FFFF_FFFF_FFFF);
    }
}
