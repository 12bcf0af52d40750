using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace PsCamSync.Module.Tests.Support;

/// <summary>
/// The smallest host a runspace can have a user interface with: it keeps what PowerShell writes to the host (the
/// "What if:" lines of -WhatIf go there, not to a stream) and answers no prompt, so a test that would ask one fails
/// instead of hanging. Culture en-US both ways: the help ships in en-US and the format views use N3.
/// </summary>
internal sealed class RecordingHost : PSHost
{
    private static readonly CultureInfo EnUs = CultureInfo.GetCultureInfo("en-US");
    private readonly RecordingHostUserInterface _ui = new();

    public override string Name => "PsCamSync.Module.Tests";

    public override Version Version { get; } = new(1, 0);

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override PSHostUserInterface UI => _ui;

    public override CultureInfo CurrentCulture => EnUs;

    public override CultureInfo CurrentUICulture => EnUs;

    /// <summary>The text written to the host since the last call, which it clears.</summary>
    public string TakeText() => _ui.TakeText();

    public override void SetShouldExit(int exitCode) { }

    public override void EnterNestedPrompt() => throw new NotSupportedException("The test host has no nested prompt.");

    public override void ExitNestedPrompt() => throw new NotSupportedException("The test host has no nested prompt.");

    public override void NotifyBeginApplication() { }

    public override void NotifyEndApplication() { }

    private sealed class RecordingHostUserInterface : PSHostUserInterface
    {
        private readonly StringBuilder _text = new();

        public override PSHostRawUserInterface? RawUI => null;

        public string TakeText()
        {
            lock (_text)
            {
                string text = _text.ToString();
                _text.Clear();
                return text;
            }
        }

        public override void Write(string value)
        {
            lock (_text) _text.Append(value);
        }

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Write(value);

        public override void WriteLine(string value) => Write(value + "\n");

        public override void WriteErrorLine(string value) => WriteLine("ERROR: " + value);

        public override void WriteDebugLine(string message) => WriteLine("DEBUG: " + message);

        public override void WriteVerboseLine(string message) => WriteLine("VERBOSE: " + message);

        public override void WriteWarningLine(string message) => WriteLine("WARNING: " + message);

        public override void WriteProgress(long sourceId, ProgressRecord record) { }

        public override string ReadLine() => throw NoPrompt();

        public override SecureString ReadLineAsSecureString() => throw NoPrompt();

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw NoPrompt();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NoPrompt();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NoPrompt();

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw NoPrompt();

        private static NotSupportedException NoPrompt() => new("The test host answers no prompt: a test must not make the module ask.");
    }
}
