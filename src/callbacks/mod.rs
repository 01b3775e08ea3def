//! Pushed message bodies (callbacks). Being built in issue 3.
