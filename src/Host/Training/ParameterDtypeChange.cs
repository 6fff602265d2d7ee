using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Host.Training;

/// <summary>
/// Changes the type of one parameter of one module, leaving the module's other parameters and its sub-modules (where
/// adapters sit) alone. TorchSharp cannot change a tensor's type in place, so, as its own <c>Module.to</c> does, a new
/// <see cref="Parameter"/> replaces the old one: in the module's parameter registry, in a public property of that name
/// (TorchSharp's own layers such as <c>Embedding</c> and <c>LayerNorm</c>), and in every field of the module that held
/// the old object. The old parameter, and its gradient, are disposed.
/// </summary>
public static class ParameterDtypeChange
{
    // Module.to's own re-registration; protected, hence reflection (TorchSharp is pinned, and the tests would catch a rename).
    private static readonly MethodInfo Register =
        typeof(nn.Module).GetMethod("ConditionallyRegisterParameter", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(string), typeof(Parameter)])
        ?? typeof(nn.Module).GetMethod("ConditionallyRegisterParameter", BindingFlags.Instance | BindingFlags.NonPublic, [typeof(string), typeof(Tensor)])
        ?? throw new MissingMethodException("TorchSharp's nn.Module has no ConditionallyRegisterParameter");

    /// <summary>
    /// Replaces <paramref name="owner"/>'s parameter <paramref name="localName"/> (currently <paramref name="old"/>) with a
    /// copy of type <paramref name="dtype"/> that keeps <c>requires_grad</c>, and returns the copy.
    /// </summary>
    public static Parameter Apply(nn.Module owner, string localName, Parameter old, ScalarType dtype)
    {
        old.grad = null;
        Parameter replacement;
        using (no_grad())
        {
            replacement = new Parameter(old.to_type(dtype), old.requires_grad);
            replacement.DetachFromDisposeScope();
        }
        var property = owner.GetType().GetProperty(localName, BindingFlags.Public | BindingFlags.Instance);
        if (property is { CanWrite: true } && property.PropertyType.IsAssignableFrom(typeof(Parameter)))
            property.SetValue(owner, replacement);
        else
            Register.Invoke(owner, [localName, replacement]);
        for (var type = owner.GetType(); type is not null && type != typeof(object); type = type.BaseType)
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsAssignableFrom(typeof(Parameter)) && ReferenceEquals(field.GetValue(owner), old))
                    field.SetValue(owner, replacement);
            }
        }
        old.Dispose();
        return replacement;
    }
}
