using System.Xml.Linq;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Model;
using LibVirtPS.Engine.Xml;

namespace LibVirtPS.Drivers.Test;

/// <summary>A domain as a node file describes it, with the state it starts in.</summary>
internal sealed record NodeDomain(DomainDefinition Definition, DomainState State, bool Persistent);

/// <summary>Everything a node file describes: the host's hardware, domains, networks and pools.</summary>
internal sealed record NodeDescription(
    NodeInfo Node,
    IReadOnlyList<NodeDomain> Domains,
    IReadOnlyList<TestNetwork> Networks,
    IReadOnlyList<TestPool> Pools);

/// <summary>
/// Reads node files in the format of libvirt's test driver: a &lt;node&gt; root with &lt;cpu&gt;, &lt;memory&gt;
/// (KiB) and any number of &lt;domain&gt;, &lt;network&gt; and &lt;pool&gt; elements (pools holding &lt;volume&gt;
/// elements), each inline or as file='...' relative to the node file's folder.
/// </summary>
internal static class NodeFile
{
    /// <summary>The hardware a node file describes where it says nothing (libvirt's test driver defaults).</summary>
    public static readonly NodeInfo DefaultNode = new("i686", 3145728L * 1024, 16, 1400, 2, 2, 2, 2);

    private const string DefaultResource = "LibVirtPS.Drivers.Test.default-node.xml";

    public static NodeDescription Load(string path)
    {
        var text = TextFile.Read("node file", path, referencedFrom: null);
        return Parse(text, Path.GetDirectoryName(path), $"node file '{path}'");
    }

    /// <summary>The host behind test:///default, from the node file embedded in this assembly.</summary>
    public static NodeDescription LoadDefault()
    {
        using var stream = typeof(NodeFile).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new LibVirtException(ErrorCode.InternalError, ErrorDomain.Test, $"The embedded resource '{DefaultResource}' is missing");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), baseDirectory: null, "the built-in default node");
    }

    /// <param name="baseDirectory">Where relative file= references point; null when there is no file.</param>
    /// <param name="source">Names the document in error messages.</param>
    public static NodeDescription Parse(string xml, string? baseDirectory, string source)
    {
        var root = NodeXml.Load(xml, source).Root!;
        var node = NodeXml.Within(source, () => ParseNode(root));
        var context = new Context(baseDirectory, source);
        var domains = new List<NodeDomain>();
        var networks = new List<TestNetwork>();
        var pools = new List<TestPool>();
        foreach (var child in root.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "domain":
                    var domain = Parse(context.Locate(child, source), NodeDomains.Parse);
                    CheckUnique(source, child, "domain", domain.Definition.Name, domain.Definition.Uuid!.Value,
                        domains.Select(d => (d.Definition.Name, d.Definition.Uuid!.Value)));
                    domains.Add(domain);
                    break;
                case "network":
                    var network = Parse(context.Locate(child, source), TestNetwork.Parse);
                    CheckUnique(source, child, "network", network.Name, network.Uuid, networks.Select(n => (n.Name, n.Uuid)));
                    networks.Add(network);
                    break;
                case "pool":
                    var pool = ParsePool(context, child);
                    CheckUnique(source, child, "pool", pool.Name, pool.Uuid, pools.Select(p => (p.Name, p.Uuid)));
                    pools.Add(pool);
                    break;
            }
        }

        return new NodeDescription(node, domains, networks, pools);
    }

    private static T Parse<T>(Located located, Func<XElement, T> parse) =>
        NodeXml.Within(located.Source, () => parse(located.Element));

    /// <summary>
    /// Volumes come from the pool element itself and, for a pool given by file=, also from the children of the
    /// referencing element in the node file.
    /// </summary>
    private static TestPool ParsePool(Context context, XElement child)
    {
        var located = context.Locate(child, context.NodeSource);
        var pool = Parse(located, TestPool.Parse);
        var volumeElements = located.Element.Elements("volume").Select(v => (Element: v, located.Source));
        if (located.Element != child)
        {
            volumeElements = volumeElements.Concat(child.Elements("volume").Select(v => (Element: v, Source: context.NodeSource)));
        }

        var volumes = volumeElements
            .Select(v => Parse(context.Locate(v.Element, v.Source), e => TestVolume.Parse(e, pool.TargetPath)))
            .ToList();
        return NodeXml.Within(located.Source, () => pool.WithVolumes(volumes));
    }

    private static NodeInfo ParseNode(XElement root)
    {
        if (root.Name.LocalName != "node")
        {
            throw NodeXml.Error(root, $"Expected a <node> root element, found <{root.Name.LocalName}>");
        }

        var cpu = root.Element("cpu");
        var nodes = NodeXml.PositiveInt(cpu, "nodes") ?? DefaultNode.NumaNodes;
        var sockets = NodeXml.PositiveInt(cpu, "sockets") ?? DefaultNode.Sockets;
        var cores = NodeXml.PositiveInt(cpu, "cores") ?? DefaultNode.Cores;
        var threads = NodeXml.PositiveInt(cpu, "threads") ?? DefaultNode.Threads;
        var cpus = nodes * sockets * cores * threads;
        if (NodeXml.PositiveInt(cpu, "active") is int active)
        {
            cpus = active <= cpus
                ? active
                : throw NodeXml.Error(cpu!.Element("active")!, $"{active} active CPUs are more than the {cpus} the topology has");
        }

        var model = cpu?.Element("model")?.Value.Trim() is { Length: > 0 } m ? m : DefaultNode.CpuModel;
        var memory = root.Element("memory") is { } element ? MemoryUnits.ParseElement(element) : DefaultNode.MemoryBytes;
        return new NodeInfo(model, memory, cpus, NodeXml.PositiveInt(cpu, "mhz") ?? DefaultNode.MHz, nodes, sockets, cores, threads);
    }

    private static void CheckUnique(
        string source, XElement at, string kind, string name, Guid uuid, IEnumerable<(string Name, Guid Uuid)> earlier)
    {
        foreach (var other in earlier)
        {
            if (other.Name == name || other.Uuid == uuid)
            {
                var what = other.Name == name ? $"name '{name}'" : $"uuid {uuid:D}";
                throw NodeXml.ErrorIn(source, at, $"Two {kind}s have the {what}");
            }
        }
    }

    /// <summary>An element and the document it came from.</summary>
    private readonly record struct Located(XElement Element, string Source);

    private sealed record Context(string? BaseDirectory, string NodeSource)
    {
        /// <summary>The element itself, or the root of the file its file= attribute names.</summary>
        public Located Locate(XElement element, string source)
        {
            var file = element.Attribute("file")?.Value;
            if (file is null)
            {
                return new Located(element, source);
            }

            var kind = element.Name.LocalName;
            if (!Path.IsPathFullyQualified(file) && BaseDirectory is null)
            {
                throw NodeXml.ErrorIn(source, element, $"The {kind} file '{file}' must be an absolute path here");
            }

            var path = Path.GetFullPath(Path.Combine(BaseDirectory ?? "", file));
            var fileSource = $"{kind} file '{path}'";
            var where = $"line {NodeXml.Line(element)} of {source}";
            var root = NodeXml.Load(TextFile.Read($"{kind} file", path, where), fileSource).Root!;
            if (root.Name.LocalName != kind)
            {
                throw NodeXml.ErrorIn(fileSource, root, $"Expected a <{kind}> root element, found <{root.Name.LocalName}>");
            }

            return new Located(root, fileSource);
        }
    }
}
