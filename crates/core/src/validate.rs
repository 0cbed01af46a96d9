//! Validation of submissions, shared by the server and the app (being written).
