//! The lifecycle, role-agnostic, in one place.
//!
//! Two rules, after h11's `_state.py`: every lifecycle decision lives in
//! this file, and this file does not know which role it plays. The reading
//! and writing directions each keep their own facts; the public [`State`]
//! is derived from the pair by one table.
//!
//! ```text
//!            send/receive a request
//!   ┌──────┐ ─────────────────────▶ ┌────────┐  another request   ┌───────────┐
//!   │ Idle │                        │ Active │ ─────────────────▶ │ Pipelined │
//!   └──────┘ ◀───────────────────── └────────┘ ◀───────────────── └───────────┘
//!      │      exchange done, persistent  │   earlier exchange done      │
//!      │                                 │ close decided (close token,  │
//!      │ idle timeout, close()           │ error, limit, close())       │
//!      ▼                                 ▼                              ▼
//!   ┌─────────┐  owed bytes flushed: ShutdownWrite   ┌────────────┐
//!   │ Closing │ ───────────────────────────────────▶ │ HalfClosed │ ◀── peer EOF while a
//!   └─────────┘                                      └────────────┘     response is owed
//!                               peer EOF or linger timeout: Close │
//!   101 / CONNECT 2xx ──▶ ┌──────────┐                            ▼
//!                         │ Switched │                      ┌────────┐
//!                         └──────────┘        abort() ────▶ │ Closed │
//!                                                           └────────┘
//! ```
//!
//! | closed | switched | write shut | close decided | peer EOF | outstanding | State |
//! |---|---|---|---|---|---|---|
//! | yes | – | – | – | – | – | `Closed` |
//! | no | yes | – | – | – | – | `Switched` |
//! | no | no | yes | – | – | – | `HalfClosed` (draining until EOF or linger) |
//! | no | no | no | – | yes | ≥ 1 | `HalfClosed` (a response is still owed) |
//! | no | no | no | yes | – | – | `Closing` (flushing what is owed) |
//! | no | no | no | no | – | 0 | `Idle` |
//! | no | no | no | no | – | 1 | `Active` |
//! | no | no | no | no | – | ≥ 2 | `Pipelined` |

/// The public lifecycle state of a [`Connection`](crate::Connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// No exchange in progress; the connection may carry another.
    Idle,
    /// One exchange in progress.
    Active,
    /// More than one request outstanding.
    Pipelined,
    /// One direction is finished: our write side is shut and we drain the
    /// peer, or the peer sent EOF while we still owe it a response.
    HalfClosed,
    /// Close decided: finishing and flushing what is owed.
    Closing,
    /// Nothing more will happen on this connection.
    Closed,
    /// The connection left HTTP/1 (101 Switching Protocols, CONNECT 2xx).
    Switched,
}

/// The facts the state is derived from.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Facts {
    pub(crate) closed: bool,
    pub(crate) switched: bool,
    pub(crate) write_shut: bool,
    pub(crate) close_decided: bool,
    pub(crate) peer_eof: bool,
    pub(crate) outstanding: usize,
}

/// The table above, as code.
pub(crate) fn derive(f: Facts) -> State {
    match f {
        Facts { closed: true, .. } => State::Closed,
        Facts { switched: true, .. } => State::Switched,
        Facts { write_shut: true, .. } => State::HalfClosed,
        Facts {
            peer_eof: true,
            outstanding: 1..,
            ..
        } => State::HalfClosed,
        Facts {
            close_decided: true, ..
        } => State::Closing,
        Facts { outstanding: 0, .. } => State::Idle,
        Facts { outstanding: 1, .. } => State::Active,
        Facts { .. } => State::Pipelined,
    }
}

/// Whether an exchange lets the connection carry another: both messages
/// must allow it (RFC 9112 §9.3; for HTTP/1.0 both must carry keep-alive,
/// mission §4), and no limit or local close may stand in the way.
pub(crate) fn exchange_persists(request_allows: bool, response_allows: bool, limit_reached: bool) -> bool {
    request_allows && response_allows && !limit_reached
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows() {
        let f = Facts::default();
        assert_eq!(derive(f), State::Idle);
        assert_eq!(derive(Facts { outstanding: 1, ..f }), State::Active);
        assert_eq!(derive(Facts { outstanding: 3, ..f }), State::Pipelined);
        assert_eq!(
            derive(Facts {
                close_decided: true,
                outstanding: 1,
                ..f
            }),
            State::Closing
        );
        assert_eq!(
            derive(Facts {
                peer_eof: true,
                outstanding: 1,
                ..f
            }),
            State::HalfClosed
        );
        assert_eq!(derive(Facts { peer_eof: true, ..f }), State::Idle);
        assert_eq!(
            derive(Facts {
                write_shut: true,
                close_decided: true,
                ..f
            }),
            State::HalfClosed
        );
        assert_eq!(
            derive(Facts {
                switched: true,
                outstanding: 1,
                ..f
            }),
            State::Switched
        );
        assert_eq!(
            derive(Facts {
                closed: true,
                switched: true,
                ..f
            }),
            State::Closed
        );
    }

    #[test]
    fn persistence_needs_both_sides() {
        assert!(exchange_persists(true, true, false));
        assert!(!exchange_persists(false, true, false));
        assert!(!exchange_persists(true, false, false));
        assert!(!exchange_persists(true, true, true));
    }
}
