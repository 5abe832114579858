using System.Management.Automation;
using LibVirtPS.Commands.Common;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Model;

namespace LibVirtPS.Commands.Host;

/// <summary>
/// Opens connections to hosts by libvirt URI and remembers them for the session. Several URIs connect at once; a
/// host that fails reports its own error and the others still connect.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "VirtHost", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(VirtHost))]
public sealed class ConnectVirtHostCommand : LibVirtCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.UriCompleter))]
    public string[]? Uri { get; set; }

    /// <summary>Bound from a host's Name too, so that piping a lost host reconnects it under the same name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyFilePath { get; set; }

    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var uris = Uri is { Length: > 0 } ? Uri : new[] { ModuleSession.Connections.ResolveDefaultUri() };
        if (Name is not null && uris.Length > 1)
        {
            ThrowTerminatingError(ErrorMapper.Create("NameNeedsSingleUri", ErrorCategory.InvalidArgument,
                $"-Name names one connection, but {uris.Length} URIs were given: connect them one by one to name them", Name));
        }

        var targets = uris.Where(uri => ShouldProcess(uri, "Connect")).ToArray();
        if (targets.Length == 0)
        {
            return;
        }

        var options = CreateOptions();
        foreach (var uri in targets)
        {
            WriteVerbose($"Connecting to {uri}" + Describe(options));
        }

        // All hosts connect concurrently; each outcome is then reported in the order the URIs were given.
        var attempts = targets
            .Select(uri => (Uri: uri, Task: ModuleSession.Connections.ConnectAsync(uri, Name, options, CancellationToken)))
            .ToArray();
        Run(_ => Task.WhenAll(attempts.Select(a => a.Task.ContinueWith(_ => { }, TaskScheduler.Default))));
        if (CancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: hosts that connected anyway are closed rather than left open and unlisted.
            foreach (var (_, task) in attempts.Where(a => a.Task.Status == TaskStatus.RanToCompletion))
            {
                task.Result.Driver.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw new PipelineStoppedException();
        }

        foreach (var (uri, task) in attempts)
        {
            TryInvoke(uri, () => Register(task.GetAwaiter().GetResult()));
        }
    }

    private void Register(VirtHost host)
    {
        WriteVerbose($"Connected to {host.Uri} ({host.HypervisorType} {host.HypervisorVersion} on {host.Hostname})");
        if (Session.Connected.Add(host) is { } replaced)
        {
            WriteVerbose($"Replaced the earlier connection named '{replaced.Name}'");
            Run(async ct => await replaced.Driver.DisposeAsync().ConfigureAwait(false));
        }

        if (PassThru)
        {
            WriteObject(host);
        }
    }

    /// <summary>
    /// With -KeyFilePath the credential's password is the key's passphrase; without it, the login password. The
    /// secure strings go to the engine as they are.
    /// </summary>
    private ConnectOptions CreateOptions()
    {
        var keyFile = KeyFilePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(KeyFilePath);
        var secret = Credential is { Password.Length: > 0 } ? Credential.Password : null;
        return new ConnectOptions
        {
            ConnectTimeout = TimeSpan.FromSeconds(TimeoutSec),
            UserName = string.IsNullOrEmpty(Credential?.UserName) ? null : Credential!.UserName.TrimStart('\\'),
            KeyFilePath = keyFile,
            Password = keyFile is null ? secret : null,
            KeyPassphrase = keyFile is null ? null : secret,
        };
    }

    /// <summary>Says how the connection authenticates, naming no secret.</summary>
    private static string Describe(ConnectOptions options)
    {
        var parts = new List<string>();
        if (options.UserName is not null)
        {
            parts.Add($"as {options.UserName}");
        }

        if (options.KeyFilePath is not null)
        {
            parts.Add($"with the key {options.KeyFilePath}" + (options.KeyPassphrase is null ? "" : " and its passphrase"));
        }
        else if (options.Password is not null)
        {
            parts.Add("with a password");
        }

        return parts.Count == 0 ? "" : " " + string.Join(" ", parts);
    }
}
