//! Errors: what went wrong *around* a verification, as opposed to a verdict.
//!
//! A bad token, a provider outage or a provider refusing our secret are all
//! [`Outcome`](crate::Outcome)s, because the application needs a decision for
//! them. An [`Error`] means the call itself was wrong or could not run.

/// Stable machine-readable error code. Bindings expose it as `.code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The client configuration is invalid (empty secret, bad URL, plain HTTP...).
    Configuration,
    /// A per-call argument is invalid (remote IP, email).
    InvalidArgument,
    /// A blocking call was made from inside an async runtime, where it would deadlock.
    BlockingInAsyncContext,
    /// The verification was cancelled before it finished.
    Cancelled,
    /// The client was closed.
    Closed,
    /// A bug in siteverify; please report it.
    Internal,
}

impl ErrorCode {
    /// Every code, for bindings that map or test them all.
    pub const ALL: [ErrorCode; 6] = [
        ErrorCode::Configuration,
        ErrorCode::InvalidArgument,
        ErrorCode::BlockingInAsyncContext,
        ErrorCode::Cancelled,
        ErrorCode::Closed,
        ErrorCode::Internal,
    ];

    /// The stable kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Configuration => "configuration",
            ErrorCode::InvalidArgument => "invalid-argument",
            ErrorCode::BlockingInAsyncContext => "blocking-in-async-context",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Closed => "closed",
            ErrorCode::Internal => "internal",
        }
    }
}

/// An error with a stable [`ErrorCode`] and a message that never contains the secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
}

impl Error {
    /// An error with this code; bindings use it for errors they detect
    /// themselves (a wrong option type), so every error has the same shape.
    /// The message must never contain the secret.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Configuration, message)
    }
    pub(crate) fn argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }
    /// The error a cancelled verification reports (for bindings that cancel tasks).
    pub fn cancelled() -> Self {
        Self::new(ErrorCode::Cancelled, "verification cancelled")
    }
    /// The error a verification on a closed client reports.
    pub fn closed() -> Self {
        Self::new(ErrorCode::Closed, "client is closed")
    }
    /// An internal failure (for bindings that catch panics).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// A human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// Result alias for siteverify.
pub type Result<T> = std::result::Result<T, Error>;
