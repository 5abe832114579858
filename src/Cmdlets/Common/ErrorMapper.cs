using System.Management.Automation;
using LibVirtPS.Commands.Disk;
using LibVirtPS.Engine.Errors;
using LibVirtPS.Engine.Images;

namespace LibVirtPS.Commands.Common;

/// <summary>
/// The one place that turns engine exceptions into error records: a stable ErrorId that names the reason, the
/// right category, and the target. PowerShell appends the cmdlet's type name to form the FullyQualifiedErrorId.
/// </summary>
public static class ErrorMapper
{
    public static ErrorRecord ToErrorRecord(Exception exception, object? target)
    {
        var (errorId, category) = Classify(exception);
        var record = new ErrorRecord(exception, errorId, category, target ?? (exception as LibVirtException)?.Target);
        if (exception is LibVirtException { Code: not ErrorCode.Ok } libvirt)
        {
            record.ErrorDetails = new ErrorDetails(libvirt.Message)
            {
                RecommendedAction = Advice(errorId),
            };
        }

        return record;
    }

    /// <summary>An error the cmdlet layer itself detects (not an engine failure), with its own stable ErrorId.</summary>
    public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target) =>
        new(new LibVirtException(ErrorCode.InvalidArg, message) { Target = target }, errorId, category, target);

    public static (string ErrorId, ErrorCategory Category) Classify(Exception exception) => exception switch
    {
        InvalidXmlException => ("InvalidXml", ErrorCategory.InvalidData),
        ImageOpenException image => (image.ErrorId, ClassifyImage(image)),
        ConnectionException { Lost: true } => ("ConnectionLost", ErrorCategory.ConnectionError),
        ConnectionException => ("ConnectionFailed", ErrorCategory.ConnectionError),
        LibVirtException { Domain: ErrorDomain.Uri } => ("InvalidUri", ErrorCategory.InvalidArgument),
        LibVirtException libvirt => ClassifyCode(libvirt),
        FileNotFoundException or DirectoryNotFoundException => ("FileNotFound", ErrorCategory.ObjectNotFound),
        UnauthorizedAccessException => ("AccessDenied", ErrorCategory.PermissionDenied),
        IOException => ("ReadFailed", ErrorCategory.ReadError),
        OperationCanceledException or TimeoutException => ("OperationTimedOut", ErrorCategory.OperationTimeout),
        _ => ("UnexpectedError", ErrorCategory.NotSpecified),
    };

    private static (string, ErrorCategory) ClassifyCode(LibVirtException exception) => exception.Code switch
    {
        ErrorCode.NoDomain => ("DomainNotFound", ErrorCategory.ObjectNotFound),
        ErrorCode.NoNetwork => ("NetworkNotFound", ErrorCategory.ObjectNotFound),
        ErrorCode.NoStoragePool => ("StoragePoolNotFound", ErrorCategory.ObjectNotFound),
        ErrorCode.NoStorageVolume => ("StorageVolumeNotFound", ErrorCategory.ObjectNotFound),
        ErrorCode.NoDomainSnapshot => ("SnapshotNotFound", ErrorCategory.ObjectNotFound),
        ErrorCode.InvalidArg => ("InvalidArgument", ErrorCategory.InvalidArgument),
        ErrorCode.XmlError => ("InvalidXml", ErrorCategory.InvalidData),
        ErrorCode.DomainExists => ("DomainExists", ErrorCategory.ResourceExists),
        ErrorCode.OperationInvalid => ("OperationInvalid", ErrorCategory.InvalidOperation),
        ErrorCode.OperationFailed => ("OperationFailed", ErrorCategory.InvalidOperation),
        ErrorCode.OperationDenied => ("ReadOnlyConnection", ErrorCategory.PermissionDenied),
        ErrorCode.AuthFailed or ErrorCode.AuthUnavailable => ("AuthenticationFailed", ErrorCategory.AuthenticationError),
        ErrorCode.NoSupport or ErrorCode.OperationUnsupported => ("NotSupported", ErrorCategory.NotImplemented),
        ErrorCode.Rpc when exception.Message.Contains("unknown procedure", StringComparison.OrdinalIgnoreCase)
            => ("NotSupportedByServer", ErrorCategory.NotImplemented),
        ErrorCode.NoConnect => ("ConnectionFailed", ErrorCategory.ConnectionError),
        ErrorCode.InvalidConn => ("NotConnected", ErrorCategory.ConnectionError),
        ErrorCode.Rpc or ErrorCode.SystemError => ("ConnectionLost", ErrorCategory.ConnectionError),
        _ => ("LibvirtError", ErrorCategory.NotSpecified),
    };

    /// <summary>The engine's image error ids (ImageNotFound, ImageIsDirectory, ImageAccessDenied...) kept as they are.</summary>
    private static ErrorCategory ClassifyImage(ImageOpenException exception) => exception switch
    {
        { ErrorId: "ImageAccessDenied" } => ErrorCategory.PermissionDenied,
        { Failure: ImageOpenFailure.Missing } => ErrorCategory.ObjectNotFound,
        _ => ErrorCategory.ReadError,
    };

    private static string? Advice(string errorId) => errorId switch
    {
        "DomainNotFound" => "Check the name with Get-VirtDomain, or the host with -Server.",
        "OperationInvalid" => "Check the domain's State with Get-VirtDomain before this operation.",
        "InvalidXml" => "Correct the XML at the line and element named in the message.",
        "ConnectionLost" or "ConnectionFailed" => "Check that the host is reachable, then run Connect-VirtHost again.",
        _ => null,
    };
}
