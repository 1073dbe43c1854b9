using System.Numerics;
using System.Runtime.CompilerServices;
using NetSim.Engine;

namespace NetSim.Tests;

/// <summary>Holds every public value type of the library to the same .NET conventions.</summary>
public class PublicApiConventionTests
{
    private static readonly Type[] PublicStructs =
        [.. typeof(Simulation).Assembly.GetExportedTypes().Where(t => t.IsValueType && !t.IsEnum && !t.IsByRefLike)]; // views over spans are not values

    [Fact]
    public void There_are_public_value_types_to_check()
    {
        PublicStructs.Should().Contain([typeof(SimTime), typeof(SimDuration), typeof(DataRate), typeof(EventHandle), typeof(NetSim.Wire.MacAddress), typeof(NetSim.Links.FrameHandle)]);
    }

    [Fact]
    public void Every_public_struct_is_readonly_and_equatable_to_itself()
    {
        foreach (Type type in PublicStructs)
        {
            type.IsDefined(typeof(IsReadOnlyAttribute), false).Should().BeTrue($"{type.Name} should be a readonly struct");
            type.GetInterfaces().Should().Contain(typeof(IEquatable<>).MakeGenericType(type), $"{type.Name} should be IEquatable<{type.Name}>");
            type.GetMethod(nameof(Equals), [typeof(object)])!.DeclaringType.Should().Be(type, $"{type.Name} should override Equals(object)");
            type.GetMethod(nameof(GetHashCode), Type.EmptyTypes)!.DeclaringType.Should().Be(type, $"{type.Name} should override GetHashCode");
            type.GetMethod("op_Equality", [type, type]).Should().NotBeNull($"{type.Name} should have ==");
        }
    }

    [Fact]
    public void Every_ordered_public_struct_formats_parses_and_compares_like_the_BCL_values()
    {
        foreach (Type type in PublicStructs.Where(t => t.GetInterfaces().Contains(typeof(IComparable<>).MakeGenericType(t))))
        {
            Type[] expected =
            [
                typeof(IComparable),
                typeof(ISpanFormattable),
                typeof(IUtf8SpanFormattable),
                typeof(ISpanParsable<>).MakeGenericType(type),
                typeof(IComparisonOperators<,,>).MakeGenericType(type, type, typeof(bool)),
            ];
            type.GetInterfaces().Should().Contain(expected, $"{type.Name} is ordered, so it should have the full set");
            type.GetMethod("Parse", [typeof(string)]).Should().NotBeNull($"{type.Name}.Parse(string) should exist");
            type.GetMethod("TryParse", [typeof(string), type.MakeByRefType()]).Should().NotBeNull($"{type.Name}.TryParse(string, out) should exist");
        }
    }

    [Fact]
    public void Callbacks_are_events_that_take_many_handlers_not_delegate_properties_with_one_slot()
    {
        // A settable delegate property holds one handler: setting it drops the one before
        // (the library's own wiring among them). Init-only settings (a factory) are not callbacks.
        string[] slots =
        [
            .. typeof(Simulation).Assembly.GetExportedTypes()
                .SelectMany(t => t.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly))
                .Where(p => typeof(Delegate).IsAssignableFrom(p.PropertyType) && p.SetMethod is { IsPublic: true } setter
                    && !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
                .Select(p => $"{p.DeclaringType!.Name}.{p.Name}"),
        ];

        slots.Should().BeEmpty();
        typeof(NetSim.Transport.UdpSocket).GetEvent(nameof(NetSim.Transport.UdpSocket.Received)).Should().NotBeNull("the callbacks are there, as events");
    }
}
