//! The SMS/e-mail gateway. Development writes every message as one JSON line to the outbox
//! file (tests read one-time codes from it); production needs a real gateway and says so.

use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
}

/// One message to one person.
#[derive(Clone, Debug, Serialize)]
pub struct Message {
    pub channel: Channel,
    /// Phone number or e-mail address.
    pub to: String,
    /// What the message is about ("sign_in_code", …): lets tests pick the right line.
    pub kind: String,
    pub body: String,
    /// Unix seconds.
    pub sent_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("the outbox {path} could not be written: {source}")]
    Outbox { path: String, source: std::io::Error },
    #[error("no SMS/e-mail gateway is configured for production")]
    NotConfigured,
}

/// Where messages go.
#[derive(Debug)]
pub enum Gateway {
    /// Appends to a file (development and tests).
    Outbox { path: PathBuf, lock: Mutex<()> },
    /// Production without a configured provider: every send fails loudly.
    Unconfigured,
}

impl Gateway {
    pub fn outbox(path: PathBuf) -> Self {
        Gateway::Outbox { path, lock: Mutex::new(()) }
    }

    /// Sends one message. The outbox line is written in one `write` call on a file opened for
    /// appending, so lines from several server instances do not interleave.
    pub fn send(&self, message: &Message) -> Result<(), GatewayError> {
        match self {
            Gateway::Unconfigured => Err(GatewayError::NotConfigured),
            Gateway::Outbox { path, lock } => {
                let outbox_error = |source| GatewayError::Outbox { path: path.display().to_string(), source };
                let mut line = serde_json::to_vec(message).map_err(|e| outbox_error(e.into()))?;
                line.push(b'\n');
                let _guard = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(outbox_error)?;
                }
                let mut file =
                    std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(outbox_error)?;
                file.write_all(&line).map_err(outbox_error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: &str) -> Message {
        Message {
            channel: Channel::Sms,
            to: "13800000001".into(),
            kind: kind.into(),
            body: "123456".into(),
            sent_at: 1,
        }
    }

    #[test]
    fn the_outbox_gets_one_json_line_per_message() {
        let dir = tempfile::tempdir().unwrap();
        let gateway = Gateway::outbox(dir.path().join("nested/outbox.jsonl"));
        gateway.send(&message("a")).unwrap();
        gateway.send(&message("b")).unwrap();
        let text = std::fs::read_to_string(dir.path().join("nested/outbox.jsonl")).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1]["kind"], "b");
        assert_eq!(lines[0]["channel"], "sms");
    }

    #[test]
    fn an_unconfigured_gateway_refuses_to_pretend() {
        assert!(matches!(Gateway::Unconfigured.send(&message("a")), Err(GatewayError::NotConfigured)));
    }
}
