using LibVirtPS.Tests.Images;

namespace LibVirtPS.Tests.Chains;

/// <summary>Chains for tests, made with qemu-img.</summary>
internal static class ChainBuilder
{
    /// <summary>layer-000.qcow2 (the base) up to layer-(n-1).qcow2 (the top), each naming the one below relatively.</summary>
    public static string Qcow2Chain(TempFolder temp, int layers, string folder = "")
    {
        string Name(int i) => Path.Combine(folder, $"layer-{i:000}.qcow2");
        QemuImg.Create(temp.File(Name(0)), "qcow2", "16M");
        for (var i = 1; i < layers; i++)
        {
            QemuImg.Create(temp.File(Name(i)), "qcow2", "16M", Path.GetFileName(Name(i - 1)), "qcow2");
        }

        return temp.File(Name(layers - 1));
    }
}
