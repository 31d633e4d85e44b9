// Package serve runs initscope's app over SSH for many visitors at once,
// bounded so that it is safe to put on the internet: each session gets its
// own app, trainer and renderer; training for all of them shares one worker
// pool; and sessions, connection rates, idle time, session length and
// network size are all capped.
package serve
