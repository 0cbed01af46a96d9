use crate::console::sse::*;

fn event(event: &str, data: &str) -> SseEvent {
    SseEvent {
        event: event.to_owned(),
        data: data.to_owned(),
    }
}

#[test]
fn events_are_dispatched_at_a_blank_line() {
    let mut parser = SseParser::default();
    let events =
        parser.feed("event: progress\ndata: {\"a\":1}\n\nevent: progress\ndata: {\"a\":2}\n\n");
    assert_eq!(
        events,
        [
            event("progress", "{\"a\":1}"),
            event("progress", "{\"a\":2}")
        ]
    );
}

#[test]
fn a_chunk_may_end_anywhere_even_between_cr_and_lf() {
    let mut parser = SseParser::default();
    let mut events = Vec::new();
    for chunk in ["ev", "ent: progress\r", "\ndata: x", "yz\r", "\n\r", "\n"] {
        events.extend(parser.feed(chunk));
    }
    assert_eq!(events, [event("progress", "xyz")]);
}

#[test]
fn comments_keep_alives_and_unknown_fields_are_skipped_and_data_lines_join() {
    let mut parser = SseParser::default();
    let events =
        parser.feed(":keep-alive\n\nid: 7\nretry: 100\ndata:one\ndata: two\n\nevent: x\n\n");
    assert_eq!(
        events,
        [event("message", "one\ntwo")],
        "an event without data is not dispatched"
    );
    assert_eq!(
        parser.feed("data: after\r\r"),
        [event("message", "after")],
        "the event name was reset"
    );
}
