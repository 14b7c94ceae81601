//! The `message/delivery-status` part of a bounce (RFC 3464): a per-message block of fields,
//! then one block per recipient. Mail-parser reads it as an opaque part; its fields are plain
//! `Name: value` lines, read here.
use super::Bounce;

/// The recipient block that failed (or the first one, for a delay or success report).
pub(crate) fn read(status: &str) -> Bounce {
    let blocks = blocks(status);
    let recipients: Vec<&Vec<(String, String)>> = blocks
        .iter()
        .skip(1)
        .filter(|b| {
            field(b, "final-recipient")
                .or(field(b, "original-recipient"))
                .is_some()
        })
        .collect();
    let chosen = recipients
        .iter()
        .find(|b| field(b, "action").is_some_and(|a| a.eq_ignore_ascii_case("failed")))
        .or(recipients.first());
    let Some(block) = chosen else {
        return Bounce::default();
    };
    Bounce {
        recipient: field(block, "final-recipient")
            .or(field(block, "original-recipient"))
            .map(address),
        action: field(block, "action").map(|a| a.to_ascii_lowercase()),
        status: field(block, "status").map(|s| {
            // `5.1.1 (bad destination mailbox address)`: the code alone.
            s.split_whitespace().next().unwrap_or_default().to_string()
        }),
        diagnostic: field(block, "diagnostic-code").map(str::to_string),
    }
}

/// Blocks separated by blank lines, each a list of (lower-case name, unfolded value).
fn blocks(text: &str) -> Vec<Vec<(String, String)>> {
    let mut blocks: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for line in text.lines() {
        if line.trim().is_empty() {
            if blocks.last().is_some_and(|b| !b.is_empty()) {
                blocks.push(Vec::new());
            }
            continue;
        }
        let Some(block) = blocks.last_mut() else {
            continue;
        };
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = block.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            block.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    blocks.retain(|b| !b.is_empty());
    blocks
}

fn field<'a>(block: &'a [(String, String)], name: &str) -> Option<&'a str> {
    block
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// `rfc822; ana@x.es` → `ana@x.es` (the address type goes; angle brackets too).
fn address(value: &str) -> String {
    let address = value.split_once(';').map_or(value, |(_, a)| a);
    address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_failed_recipient_is_read_over_a_delayed_one() {
        let b = read(
            "Reporting-MTA: dns; mx.x.es\r\nArrival-Date: Mon, 3 Nov 2026 10:00:00 +0100\r\n\r\n\
             Final-Recipient: rfc822; lento@y.es\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\n\
             Original-Recipient: rfc822;<nadie@y.es>\r\nFinal-Recipient: RFC822; nadie@y.es\r\n\
             Action: Failed\r\nStatus: 5.1.1 (bad mailbox)\r\nDiagnostic-Code: smtp; 550 5.1.1\r\n\
             \tuser unknown\r\n",
        );
        assert_eq!(
            b,
            Bounce {
                recipient: Some("nadie@y.es".into()),
                action: Some("failed".into()),
                status: Some("5.1.1".into()),
                diagnostic: Some("smtp; 550 5.1.1 user unknown".into()),
            }
        );
    }

    #[test]
    fn a_report_without_recipients_says_nothing() {
        assert_eq!(read("Reporting-MTA: dns; mx\n\n"), Bounce::default());
        assert_eq!(read(""), Bounce::default());
    }
}
