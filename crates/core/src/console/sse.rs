//! A Server-Sent Events parser (the WHATWG event-stream format) for the job's events stream. The console reads
//! the stream with `fetch` rather than `EventSource`, which cannot send the owner token in a header; the text
//! arrives in chunks that may cut a line anywhere, so the parser keeps what is left over.

/// One dispatched event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, `message` when there was none.
    pub event: String,
    /// The `data:` lines joined by line breaks.
    pub data: String,
}

#[derive(Clone, Debug, Default)]
pub struct SseParser {
    pending: String,
    /// The last chunk ended in `\r`: a `\n` at the start of the next one belongs to that line break.
    after_cr: bool,
    event: String,
    data: Vec<String>,
}

impl SseParser {
    /// Takes the next chunk of the stream and returns the events it completed.
    pub fn feed(&mut self, chunk: &str) -> Vec<SseEvent> {
        let mut chunk = chunk;
        if self.after_cr {
            chunk = chunk.strip_prefix('\n').unwrap_or(chunk);
            self.after_cr = false;
        }
        self.pending.push_str(chunk);
        let mut events = Vec::new();
        while let Some(end) = self.pending.find(['\n', '\r']) {
            let line = self.pending[..end].to_owned();
            let mut rest = end + 1;
            if self.pending.as_bytes()[end] == b'\r' {
                if rest == self.pending.len() {
                    self.after_cr = true;
                } else if self.pending.as_bytes()[rest] == b'\n' {
                    rest += 1;
                }
            }
            self.pending.drain(..rest);
            if let Some(event) = self.line(&line) {
                events.push(event);
            }
        }
        events
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            let data = std::mem::take(&mut self.data);
            if data.is_empty() {
                return None;
            }
            return Some(SseEvent {
                event: if event.is_empty() {
                    "message".to_owned()
                } else {
                    event
                },
                data: data.join("\n"),
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => self.data.push(value.to_owned()),
            _ => {}
        }
        None
    }
}
