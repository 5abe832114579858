using System.Reflection;
using LibVirtPS.Engine.Xml;
using Xunit;

namespace LibVirtPS.Tests.Architecture;

/// <summary>The engine and the drivers never see PowerShell: neither references System.Management.Automation.</summary>
public sealed class LayeringTests
{
    public static TheoryData<string> LowerLayers => new() { "LibVirtPS.Engine", "LibVirtPS.Drivers" };

    [Theory]
    [MemberData(nameof(LowerLayers))]
    public void ReferencesNoPowerShell(string assemblyName)
    {
        var assembly = assemblyName == "LibVirtPS.Engine" ? typeof(DomainXml).Assembly : typeof(LibVirtPS.Drivers.DriverCatalog).Assembly;
        Assert.Equal(assemblyName, assembly.GetName().Name);

        var references = assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.NotEmpty(references);
        Assert.DoesNotContain(references, n => n is not null && (n.StartsWith("System.Management.Automation", StringComparison.OrdinalIgnoreCase)
            || n.StartsWith("Microsoft.PowerShell", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void TheDriversDependOnTheEngineAndNotTheOtherWayRound()
    {
        var engine = typeof(DomainXml).Assembly;
        var drivers = typeof(LibVirtPS.Drivers.DriverCatalog).Assembly;

        Assert.Contains(drivers.GetReferencedAssemblies(), a => a.Name == engine.GetName().Name);
        Assert.DoesNotContain(engine.GetReferencedAssemblies(), a => a.Name == "LibVirtPS.Drivers" || a.Name == "LibVirtPS");
    }
}
