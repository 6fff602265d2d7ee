using System.Composition.Convention;
using System.Reflection;
using Pipeline.Contracts.Composition;

namespace Pipeline.Host.Composition;

/// <summary>
/// Supplies MEF2 with the attributes declared on plugin types, turning every kind-specific export attribute
/// (<see cref="ExportAdapterAttribute"/>, <see cref="ExportEncoderAttribute"/>, <see cref="ExportSchedulerAttribute"/>)
/// into an equivalent <see cref="ExportPluginAttribute"/>.
/// </summary>
/// <remarks>
/// MEF2 reads metadata only from properties declared by the attribute's own type (System.Composition's
/// <c>TypeInspector.ReadMetadataAttribute</c> filters on <c>DeclaringType == attribute type</c>). The kind-specific
/// attributes inherit <c>Kind</c>, <c>Name</c>, <c>ContractMajor</c> and <c>Version</c> from
/// <see cref="ExportPluginAttribute"/>, so read directly they would export no metadata at all and every
/// <c>Lazy&lt;IPluginFactory, PluginMetadata&gt;</c> would fail with "Export metadata for 'Kind' is missing".
/// Otherwise this behaves like MEF2's default attribute context: declared attributes only, none inherited.
/// </remarks>
internal sealed class PluginExportAttributeProvider : AttributedModelProvider
{
    /// <inheritdoc />
    public override IEnumerable<Attribute> GetCustomAttributes(Type reflectedType, MemberInfo member)
    {
        // Like MEF2's default: members inherited from a base type carry no attributes for this part.
        if (member is not TypeInfo && member.DeclaringType != reflectedType) return [];
        return Attribute.GetCustomAttributes(member, inherit: false).Select(Normalize).ToArray();
    }

    /// <inheritdoc />
    public override IEnumerable<Attribute> GetCustomAttributes(Type reflectedType, ParameterInfo parameter) =>
        Attribute.GetCustomAttributes(parameter, inherit: false);

    private static Attribute Normalize(Attribute attribute) =>
        attribute is ExportPluginAttribute export && attribute.GetType() != typeof(ExportPluginAttribute)
            ? new ExportPluginAttribute(export.Kind, export.Name) { ContractMajor = export.ContractMajor, Version = export.Version }
            : attribute;
}
