namespace Sim.Inbox;

public sealed class InboxSimOptions
{
    /// <summary>The SMTP port; 0 takes any free one (tests read it from <see cref="InboxState.SmtpPort"/>).</summary>
    public int SmtpPort { get; set; } = 2525;

    /// <summary>Messages kept, newest first; older ones are dropped so a long run stays small.</summary>
    public int Keep { get; set; } = 500;
}
