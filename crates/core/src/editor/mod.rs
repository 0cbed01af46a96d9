//! The box editor: a state machine driven by pointer and key inputs (being written).
