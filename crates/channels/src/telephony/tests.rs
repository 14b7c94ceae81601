//! The adapters read what each system really sends.
use super::*;
use vinculo_domain::interactions::{CallState, Direction};

fn json(v: serde_json::Value) -> Result<Option<CallEvent>, ReadError> {
    let bytes = v.to_string().into_bytes();
    read(None, Body::Json(&bytes), &Hints::default())
}

#[test]
fn the_generic_json_reads_every_field() {
    let e = json(serde_json::json!({
        "event": "ringing", "call_id": "c-1", "from": "+34 612 34 56 78", "to": "900100200",
        "extension": "201", "occurred_at": "2026-11-22T10:00:00Z"
    }))
    .expect("a value")
    .expect("a value");
    assert_eq!(e.state, CallState::Ringing);
    assert_eq!(e.source, "telephony");
    assert_eq!(e.extension.as_deref(), Some("201"));
    assert_eq!(e.direction, Direction::Inbound);
    assert_eq!(
        e.occurred_at.map(|t| t.unix_timestamp()),
        Some(1_795_341_600)
    );
}

#[test]
fn the_generic_json_names_what_is_wrong() {
    let err = json(
        serde_json::json!({"event": "ring", "call_id": "c", "from": "1", "direction": "sideways"}),
    )
    .expect_err("an error");
    let ReadError::Fields(issues) = err else {
        panic!("{err:?}")
    };
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["event", "direction"]);
    let err =
        json(serde_json::json!({"event": "ringing", "call_id": "c", "from": "1", "colour": "red"}))
            .expect_err("an error");
    assert!(
        matches!(&err, ReadError::Shape(m) if m.contains("colour")),
        "{err:?}"
    );
    let err = read(None, Body::Json(b"[1]"), &Hints::default()).expect_err("an error");
    assert_eq!(err, ReadError::Shape("expected a JSON object".into()));
}

#[test]
fn asterisk_dial_begin_rings_the_dialled_extension() {
    let e = json(serde_json::json!({
        "Event": "DialBegin", "Linkedid": "1732271400.42", "Uniqueid": "1732271400.43",
        "CallerIDNum": "612345678", "Exten": "900100200",
        "DestChannel": "PJSIP/201-0000002a", "Timestamp": "1732271400.500000"
    }))
    .expect("a value")
    .expect("a value");
    assert_eq!(
        (e.source.as_str(), e.call_id.as_str()),
        ("asterisk", "1732271400.42")
    );
    assert_eq!(e.state, CallState::Ringing);
    assert_eq!(e.from, "612345678");
    assert_eq!(e.extension.as_deref(), Some("201"));
    assert_eq!(
        e.occurred_at.map(|t| t.unix_timestamp()),
        Some(1_732_271_400)
    );
}

#[test]
fn asterisk_ami_text_lines_are_read_too() {
    let text = b"Event: DialEnd\r\nLinkedid: 99.1\r\nCallerIDNum: 612345678\r\nDestChannel: SIP/alice-00000001\r\nDialStatus: ANSWER\r\n\r\n";
    let e = read(None, Body::Text(text), &Hints::default())
        .expect("a value")
        .expect("a value");
    assert_eq!(e.state, CallState::Answered);
    assert_eq!(e.extension.as_deref(), Some("alice"));
    let hangup = b"Event: Hangup\nUniqueid: 99.2\nCallerIDNum: 612345678\n";
    let e = read(None, Body::Text(hangup), &Hints::default())
        .expect("a value")
        .expect("a value");
    assert_eq!((e.state, e.call_id.as_str()), (CallState::Ended, "99.2"));
    let err = read(None, Body::Text(b"Event DialBegin"), &Hints::default()).expect_err("an error");
    assert!(
        matches!(&err, ReadError::Shape(m) if m.starts_with("line 1")),
        "{err:?}"
    );
}

#[test]
fn asterisk_events_about_no_call_state_are_ignored() {
    for e in [
        serde_json::json!({"Event": "Newexten", "Linkedid": "1", "CallerIDNum": "1"}),
        serde_json::json!({"Event": "DialEnd", "DialStatus": "BUSY", "Linkedid": "1", "CallerIDNum": "1"}),
        serde_json::json!({"Event": "Newstate", "ChannelStateDesc": "Up", "Linkedid": "1", "CallerIDNum": "1"}),
    ] {
        assert_eq!(json(e).expect("a value"), None);
    }
}

#[test]
fn asterisk_queue_calls_name_the_queue_and_the_agent() {
    let e = json(serde_json::json!({
        "Event": "AgentCalled", "Linkedid": "5.5", "CallerIDNum": "+5215512345678",
        "Queue": "ventas", "Interface": "Local/203@from-queue-0001;1"
    }))
    .expect("a value")
    .expect("a value");
    assert_eq!(e.queue.as_deref(), Some("ventas"));
    assert_eq!(e.extension.as_deref(), Some("203"));
    let ringing_agent = json(serde_json::json!({
        "Event": "Newstate", "ChannelStateDesc": "Ringing", "Linkedid": "5.5",
        "Channel": "PJSIP/204-00000003", "CallerIDNum": "204", "ConnectedLineNum": "+5215512345678"
    }))
    .expect("a value")
    .expect("a value");
    assert_eq!(ringing_agent.from, "+5215512345678");
    assert_eq!(ringing_agent.extension.as_deref(), Some("204"));
}

#[test]
fn twilio_status_callbacks_are_read_from_the_form() {
    let form = b"CallSid=CA123&From=%2B14155550100&To=client%3Aana&CallStatus=ringing&Direction=inbound&AccountSid=AC1";
    let e = read(None, Body::Form(form), &Hints::default())
        .expect("a value")
        .expect("a value");
    assert_eq!((e.source.as_str(), e.call_id.as_str()), ("twilio", "CA123"));
    assert_eq!(e.state, CallState::Ringing);
    assert_eq!(e.from, "+14155550100");
    assert_eq!(e.extension.as_deref(), Some("ana"));
    let done = b"CallSid=CA123&From=%2B14155550100&To=%2B34910000000&CallStatus=completed&CallDuration=73&Timestamp=Sun%2C%2022%20Nov%202026%2010%3A00%3A00%20%2B0000";
    let hints = Hints {
        extension: None,
        queue: Some("ventas".into()),
    };
    let e = read(None, Body::Form(done), &hints)
        .expect("a value")
        .expect("a value");
    assert_eq!((e.state, e.duration_seconds), (CallState::Ended, Some(73)));
    assert_eq!(e.extension, None);
    assert_eq!(e.queue.as_deref(), Some("ventas"));
    assert!(e.occurred_at.is_some());
}

#[test]
fn twilio_outbound_calls_pop_the_calling_agent_with_the_called_customer() {
    let form = b"CallSid=CA9&From=sip%3A201%40pbx.example.com&To=%2B34612345678&CallStatus=in-progress&Direction=outbound-dial";
    let e = read(Some(Format::Twilio), Body::Form(form), &Hints::default())
        .expect("a value")
        .expect("a value");
    assert_eq!(e.direction, Direction::Outbound);
    assert_eq!(e.extension.as_deref(), Some("201"));
    assert_eq!(e.customer_number(), "+34612345678");
}

#[test]
fn twilio_queued_is_ignored_and_an_unknown_status_is_an_error() {
    let queued = b"CallSid=CA1&From=1&CallStatus=queued";
    assert_eq!(
        read(None, Body::Form(queued), &Hints::default()).expect("a value"),
        None
    );
    let odd = b"CallSid=CA1&From=1&CallStatus=exploded";
    let err = read(None, Body::Form(odd), &Hints::default()).expect_err("an error");
    assert!(matches!(err, ReadError::Fields(ref i) if i[0].field == "CallStatus"));
    let missing = b"From=1&CallStatus=ringing";
    let err = read(None, Body::Form(missing), &Hints::default()).expect_err("an error");
    assert!(matches!(err, ReadError::Fields(ref i) if i[0].field == "CallSid"));
}

#[test]
fn the_query_names_the_extension_a_payload_cannot() {
    let hints = Hints {
        extension: Some("305".into()),
        queue: None,
    };
    let body = br#"{"event":"ringing","call_id":"x","from":"612345678"}"#;
    let e = read(None, Body::Json(body), &hints)
        .expect("a value")
        .expect("a value");
    assert_eq!(e.extension.as_deref(), Some("305"));
}
