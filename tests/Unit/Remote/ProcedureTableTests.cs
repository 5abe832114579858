using System.Reflection;
using LibVirtPS.Drivers.Remote.Protocol;
using LibVirtPS.Drivers.Remote.Rpc;
using Xunit;

namespace LibVirtPS.Tests.Remote;

/// <summary>Compares the procedure declarations with the committed table, so a renumbered procedure fails loudly.</summary>
public class ProcedureTableTests
{
    private static Dictionary<string, int> LoadTable()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "rpc", "procedures.txt");
        var table = new Dictionary<string, int>();
        foreach (var line in File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, parts.Length);
            table.Add(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static Dictionary<string, int> Declared()
    {
        var declared = typeof(RemoteProcedure).GetFields(BindingFlags.Public | BindingFlags.Static).ToDictionary(
            f => f.GetCustomAttribute<LibvirtNameAttribute>()?.Name ?? throw new InvalidOperationException($"{f.Name} has no libvirt name"),
            f => (int)f.GetValue(null)!);
        declared.Add("KEEPALIVE_PING", RpcPrograms.KeepalivePing);
        declared.Add("KEEPALIVE_PONG", RpcPrograms.KeepalivePong);
        return declared;
    }

    [Fact]
    public void DeclarationsMatchTheFrozenTable()
    {
        var table = LoadTable();
        var declared = Declared();
        Assert.Equal(table.OrderBy(p => p.Key), declared.OrderBy(p => p.Key));
    }

    [Fact]
    public void EveryDeclaredProcedureUsesANamedNumber()
    {
        var procedures = typeof(RemoteProcedures).GetFields(BindingFlags.Public | BindingFlags.Static);
        Assert.NotEmpty(procedures);
        foreach (var field in procedures)
        {
            var number = (RemoteProcedure)field.FieldType.GetProperty("Number")!.GetValue(field.GetValue(null))!;
            Assert.True(Enum.IsDefined(number), $"{field.Name} uses an undeclared number {(int)number}");
            Assert.Equal(field.Name, number.ToString());
        }
    }

    [Fact]
    public void ProgramNumbers()
    {
        Assert.Equal(0x20008086u, RpcPrograms.Remote);
        Assert.Equal(0x6b656570u, RpcPrograms.Keepalive);
    }
}
