//! The closed sets of the records the clinic keeps: review status, mail,
//! invites, staff roles and audit actions. Each is written once here; the
//! server stores their wire names and the staff pages read the same types.

use crate::vocab::vocab;

vocab!(
    /// Where a submission is in the clinic's review.
    ReviewStatus {
        New = "new": "New",
        InReview = "in_review": "In review",
        Cleared = "cleared": "Cleared",
        FollowUp = "follow_up": "Follow up",
        Declined = "declined": "Declined",
    }
);

impl ReviewStatus {
    /// The one table of moves: a submission is taken into review, then
    /// cleared, sent for follow-up or declined; any decision can be
    /// reopened. Each move carries the words of the button that makes it.
    pub fn moves(self) -> &'static [(ReviewStatus, &'static str)] {
        use ReviewStatus::*;
        const REOPEN: (ReviewStatus, &str) = (InReview, "Reopen");
        const CLEAR: (ReviewStatus, &str) = (Cleared, "Clear for treatment");
        const DECLINE: (ReviewStatus, &str) = (Declined, "Decline");
        match self {
            New => &[(InReview, "Start review")],
            InReview => &[CLEAR, (FollowUp, "Needs follow-up"), DECLINE],
            FollowUp => &[CLEAR, DECLINE, REOPEN],
            Cleared | Declined => &[REOPEN],
        }
    }

    pub fn may_move(self, to: ReviewStatus) -> bool {
        self.moves().iter().any(|(next, _)| *next == to)
    }
}

vocab!(
    /// What a queued e-mail is.
    MailKind {
        ConsentCopy = "consent_copy": "Signed consent",
        Invite = "invite": "Invitation",
        // A colleague's link to join the team or to choose a new password.
        StaffAccess = "staff_access": "Staff account link",
        Aftercare = "aftercare": "Aftercare after a session",
    }
);

vocab!(
    /// Where a queued e-mail is.
    MailStatus {
        Queued = "queued": "Queued",
        Sent = "sent": "Sent",
        Failed = "failed": "Failed",
        Limited = "limited": "Copy not sent: limit",
    }
);

vocab!(
    /// The furthest an appointment invite got.
    InviteStatus {
        Created = "created": "Created",
        Emailed = "emailed": "E-mailed",
        Opened = "opened": "Opened",
        Submitted = "submitted": "Submitted",
        Expired = "expired": "Expired",
    }
);

vocab!(
    /// Whether a staff account may sign in.
    AccountStatus {
        // Invited by an administrator; no password chosen yet.
        Invited = "invited": "Invited",
        Active = "active": "Active",
        Disabled = "disabled": "Disabled",
    }
);

vocab!(
    /// What a staff account may do.
    Role {
        Staff = "staff": "Staff",
        Admin = "admin": "Administrator",
    }
);

vocab!(
    /// What the audit log records.
    AuditAction {
        Login = "login": "Signed in",
        LoginFailed = "login_failed": "Sign-in failed",
        Logout = "logout": "Signed out",
        SubmissionViewed = "submission_viewed": "Submission viewed",
        PdfViewed = "pdf_viewed": "PDF viewed",
        PdfDownloaded = "pdf_downloaded": "PDF downloaded",
        PdfEmailed = "pdf_emailed": "PDF e-mailed",
        StatusChanged = "status_changed": "Status changed",
        NoteAdded = "note_added": "Note added",
        Exported = "export": "List exported",
        // The tombstone of an erased submission.
        SubmissionDeleted = "submission_deleted": "Submission erased",
        InviteCreated = "invite_created": "Invite created",
        InviteEmailed = "invite_emailed": "Invite e-mailed",
        PasswordChanged = "password_changed": "Password changed",
        SessionEnded = "session_ended": "Session ended",
        AccountDisabled = "account_disabled": "Account disabled",
        AccountEnabled = "account_enabled": "Account enabled",
        RoleChanged = "role_changed": "Role changed",
        StaffInvited = "staff_invited": "Colleague invited",
        StaffJoined = "staff_joined": "Colleague joined",
        PasswordResetIssued = "password_reset_issued": "Password reset sent",
        PasswordReset = "password_reset": "Password reset",
        TwoFactorEnrolled = "two_factor_enrolled": "Two-factor set up",
        TwoFactorReset = "two_factor_reset": "Two-factor reset",
        TwoFactorFailed = "two_factor_failed": "Two-factor code refused",
        RecoveryCodeUsed = "recovery_code_used": "Recovery code used",
        // A queue list, search or export that returned client rows.
        QueueListed = "queue_listed": "Queue listed",
        InviteDeleted = "invite_deleted": "Invite deleted",
        // What a retention run purged (counts; each erased submission also
        // has its own tombstone).
        RetentionPurge = "retention_purge": "Retention purge",
        // One request made with an API token (the detail names the token
        // and the route).
        ApiTokenUsed = "api_token_used": "API token used",
        ApiTokenCreated = "api_token_created": "API token created",
        ApiTokenRevoked = "api_token_revoked": "API token revoked",
        WebhookChanged = "webhook_changed": "Webhook endpoint changed",
        ClientLinked = "client_linked": "Intake linked to a client",
        ClientViewed = "client_viewed": "Client record viewed",
        ClientErased = "client_erased": "Client erased",
        CourseChanged = "course_changed": "Treatment course changed",
        SessionRecorded = "session_recorded": "Session recorded",
        SessionViewed = "session_viewed": "Session record viewed",
        SessionSignedOff = "session_signed_off": "Session signed off",
        SessionAddendum = "session_addendum": "Session addendum added",
        PhotoAdded = "photo_added": "Photo added",
        PhotoViewed = "photo_viewed": "Photo viewed",
        PhotoExported = "photo_exported": "Photo exported",
        LotRecalled = "lot_recalled": "Pigment lot looked up",
    }
);

vocab!(
    /// What the retention policy purges, each after its own period.
    PurgeKind {
        Submission = "submission": "Intakes and signed consents",
        Invite = "invite": "Expired invites never used",
        MailBody = "mail_body": "Texts of sent e-mails",
        Session = "session": "Ended staff sessions",
        LoginFailure = "login_failure": "Failed sign-in records",
        AuditAddress = "audit_address": "Addresses in the audit log",
    }
);

vocab!(
    /// How far a sign-in has got: a session is `ready` for work only after
    /// the password, and the second factor when the account has one or must
    /// have one.
    SessionStage {
        Ready = "ready": "Signed in",
        Code = "code": "Waiting for the two-factor code",
        Enrol = "enrol": "Must set up two-factor sign-in",
    }
);

vocab!(
    /// What a one-time staff account link is for.
    StaffLinkPurpose {
        Join = "join": "Join the team",
        Reset = "reset": "Choose a new password",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_move_forward_and_can_reopen() {
        use ReviewStatus::*;
        assert!(New.may_move(InReview));
        assert!(!New.may_move(Cleared));
        assert!(InReview.may_move(Cleared));
        assert!(Cleared.may_move(InReview));
        assert!(!Cleared.may_move(Declined));
        assert!(!InReview.may_move(New));
        // A submission waiting for follow-up is decided or taken back.
        assert!(FollowUp.may_move(InReview));
        assert!(!FollowUp.may_move(FollowUp));
        for s in ReviewStatus::ALL {
            assert!(!s.may_move(*s), "{s:?} cannot move to itself");
            assert!(!s.may_move(New), "nothing goes back to new");
        }
    }

    #[test]
    fn closed_sets_use_their_wire_names_in_json() {
        assert_eq!(
            serde_json::to_string(&ReviewStatus::FollowUp).unwrap(),
            "\"follow_up\""
        );
        assert_eq!(AuditAction::parse("export"), Some(AuditAction::Exported));
        assert!(serde_json::from_str::<Role>("\"root\"").is_err());
    }
}

vocab!(
    /// What an API token may do. Each opens a few routes of the existing
    /// API (see the README); none reaches erasure or account management.
    ApiScope {
        InvitesWrite = "invites:write": "Create appointment invites",
        InvitesRead = "invites:read": "Read invites",
        SubmissionsRead = "submissions:read": "Read submissions, answers included",
    }
);

vocab!(
    /// What a webhook tells a clinic's other systems about. Payloads carry
    /// ids, times and status only, never answers.
    WebhookEvent {
        SubmissionCreated = "submission.created": "An intake arrived",
        SubmissionStatusChanged = "submission.status_changed": "A review status changed",
        SubmissionErased = "submission.erased": "An intake was erased",
        InviteOpened = "invite.opened": "An invite link was opened",
        InviteSubmitted = "invite.submitted": "An invite was used",
        InviteExpired = "invite.expired": "An invite expired unused",
    }
);

vocab!(
    /// Where one webhook message to one endpoint is.
    DeliveryStatus {
        Pending = "pending": "Pending",
        Delivered = "delivered": "Delivered",
        // Retried for about three days without success.
        Failed = "failed": "Failed",
    }
);

vocab!(
    /// Where a treatment course is.
    CourseStatus {
        Planned = "planned": "Planned",
        InProgress = "in_progress": "In progress",
        Completed = "completed": "Completed",
        Stopped = "stopped": "Stopped",
    }
);

impl CourseStatus {
    /// The moves staff may make, with the words on their buttons. A
    /// completed course reopens for a touch-up; a stopped one may resume.
    pub fn moves(self) -> &'static [(CourseStatus, &'static str)] {
        use CourseStatus::*;
        const STOP: (CourseStatus, &str) = (Stopped, "Stop the course");
        match self {
            Planned => &[(InProgress, "Start the course"), STOP],
            InProgress => &[(Completed, "Mark completed"), STOP],
            Completed => &[(InProgress, "Reopen for a touch-up")],
            Stopped => &[(InProgress, "Resume")],
        }
    }

    pub fn may_move(self, to: CourseStatus) -> bool {
        self.moves().iter().any(|(next, _)| *next == to)
    }
}

vocab!(
    /// When a session photo was taken.
    PhotoKind {
        Before = "before": "Before",
        After = "after": "After",
    }
);

vocab!(
    /// Why an existing client is suggested for a new intake.
    MatchReason {
        SameEmail = "same_email": "Same e-mail address",
        SamePhoneAndBirth = "same_phone_and_birth": "Same phone number and date of birth",
    }
);
