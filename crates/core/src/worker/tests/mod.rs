//! The worker model driven natively: the session by scripted events, the outbox by made-up server answers, drafts
//! through their stored form, and the answer from an editor with boxes drawn or judged.

mod answer;
mod drafts;
mod session;
mod sync;
