using System.Runtime.InteropServices;
using System.Security;
using System.Text;
using LibVirtPS.Engine.Connections;
using LibVirtPS.Engine.Errors;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace LibVirtPS.Drivers.Remote.Transports;

/// <summary>
/// The SSH authentication methods of one connection attempt, in the order the settings list them: private keys
/// (the given key file, else the user's default keys), then password and keyboard-interactive when a password was
/// given. Secrets leave their <see cref="SecureString"/> only for the duration of the attempt; disposing clears the
/// password bytes and releases the keys.
/// </summary>
public sealed class SshCredentials : IDisposable
{
    /// <summary>The default keys, in OpenSSH's order of preference for the key types SSH.NET reads.</summary>
    public static readonly string[] DefaultKeyNames = { "id_ed25519", "id_ecdsa", "id_rsa" };

    private readonly List<IDisposable> _owned = new();
    private readonly List<AuthenticationMethod> _methods = new();
    private byte[]? _password;

    private SshCredentials()
    {
    }

    public IReadOnlyList<AuthenticationMethod> Methods => _methods;

    /// <summary>The key files that were loaded, for the error message when every method fails.</summary>
    public IReadOnlyList<string> KeyFiles { get; private set; } = Array.Empty<string>();

    public static SshCredentials Create(SshSettings settings, ConnectOptions options, SshEnvironment environment)
    {
        var credentials = new SshCredentials();
        try
        {
            foreach (var method in settings.AuthMethods)
            {
                credentials.Add(method, settings, options, environment);
            }

            if (credentials._methods.Count == 0)
            {
                throw new LibVirtException(ErrorCode.AuthFailed, ErrorDomain.Remote,
                    $"No SSH credentials for {settings.User}@{settings.Host}: give -Credential or -KeyFilePath, "
                    + $"or keep a key in {environment.SshDirectory ?? "~/.ssh"} ({string.Join(", ", DefaultKeyNames)})");
            }

            return credentials;
        }
        catch
        {
            credentials.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_password is not null)
        {
            Array.Clear(_password);
        }

        foreach (var item in _owned)
        {
            item.Dispose();
        }

        _owned.Clear();
    }

    private void Add(SshAuthMethod method, SshSettings settings, ConnectOptions options, SshEnvironment environment)
    {
        switch (method)
        {
            case SshAuthMethod.Agent when settings.AuthMethods.Count == 1:
                throw new LibVirtException(ErrorCode.NoSupport, ErrorDomain.Remote,
                    "sshauth=agent is not supported: LibVirtPS does not talk to an SSH agent; use privkey or password");
            case SshAuthMethod.PrivateKey:
                AddKeys(settings, options, environment);
                break;
            case SshAuthMethod.Password when options.Password is { Length: > 0 }:
                _password ??= Utf8(options.Password);
                Own(new PasswordAuthenticationMethod(settings.User, _password));
                break;
            case SshAuthMethod.KeyboardInteractive when options.Password is { Length: > 0 } password:
                var interactive = new KeyboardInteractiveAuthenticationMethod(settings.User);
                interactive.AuthenticationPrompt += (_, e) =>
                {
                    // A server that asks by keyboard-interactive only for the password gets the one we have.
                    foreach (var prompt in e.Prompts)
                    {
                        prompt.Response = Plain(password);
                    }
                };
                Own(interactive);
                break;
        }
    }

    private void AddKeys(SshSettings settings, ConnectOptions options, SshEnvironment environment)
    {
        var passphrase = options.KeyPassphrase;
        var files = new List<PrivateKeyFile>();
        var paths = new List<string>();
        if (settings.KeyFile is { } explicitPath)
        {
            files.Add(LoadKey(explicitPath, passphrase, required: true)!);
            paths.Add(explicitPath);
        }
        else if (environment.SshDirectory is { } directory)
        {
            foreach (var name in DefaultKeyNames)
            {
                var path = Path.Combine(directory, name);
                if (File.Exists(path) && LoadKey(path, passphrase, required: false) is { } key)
                {
                    files.Add(key);
                    paths.Add(path);
                }
            }
        }

        _owned.AddRange(files);
        KeyFiles = paths;
        if (files.Count > 0)
        {
            Own(new PrivateKeyAuthenticationMethod(settings.User, files.ToArray()));
        }
    }

    /// <summary>
    /// Loads a private key. A key given explicitly must load; a default key that is encrypted without a passphrase,
    /// or of a format SSH.NET cannot read, is passed over, as ssh passes over keys it cannot use.
    /// </summary>
    private static PrivateKeyFile? LoadKey(string path, SecureString? passphrase, bool required)
    {
        try
        {
            return passphrase is { Length: > 0 } ? new PrivateKeyFile(path, Plain(passphrase)) : new PrivateKeyFile(path);
        }
        catch (Exception ex) when (!required && ex is not OutOfMemoryException)
        {
            return null;
        }
        catch (SshPassPhraseNullOrEmptyException ex)
        {
            throw new LibVirtException(ErrorCode.AuthFailed, ErrorDomain.Remote,
                $"The key file '{path}' is encrypted: give its passphrase as the password of -Credential", ex) { Target = path };
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new LibVirtException(ErrorCode.AuthFailed, ErrorDomain.Remote, $"The key file '{path}' does not exist", ex) { Target = path };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Key parsers fail in many ways (SSH.NET's, BouncyCastle's); only the type is shown, never a secret.
            var hint = passphrase is { Length: > 0 }
                ? "a wrong passphrase, or a key format SSH.NET does not read"
                : "if it is encrypted, give its passphrase as the password of -Credential; otherwise SSH.NET does not read its format";
            throw new LibVirtException(ErrorCode.AuthFailed, ErrorDomain.Remote,
                $"Cannot read the key file '{path}' ({ex.GetType().Name}): {hint}", ex) { Target = path };
        }
    }

    private void Own(AuthenticationMethod method)
    {
        _methods.Add(method);
        if (method is IDisposable disposable)
        {
            _owned.Add(disposable);
        }
    }

    private static byte[] Utf8(SecureString secret)
    {
        var chars = PlainChars(secret);
        try
        {
            return Encoding.UTF8.GetBytes(chars);
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    /// <summary>SSH.NET takes passphrases and prompt answers as strings only; this is the one place they become one.</summary>
    private static string Plain(SecureString secret)
    {
        var chars = PlainChars(secret);
        try
        {
            return new string(chars);
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    private static char[] PlainChars(SecureString secret)
    {
        var pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
        try
        {
            var chars = new char[secret.Length];
            Marshal.Copy(pointer, chars, 0, chars.Length);
            return chars;
        }
        finally
        {
            Marshal.ZeroFreeGlobalAllocUnicode(pointer);
        }
    }
}
