package serve

import (
	"context"
	"sync"
)

// Pool is a fixed number of training slots shared by every session. Waiters
// are served first come, first served: a session that releases a slot and
// asks again queues behind the others, so with more sessions than slots the
// cores are handed round and every session keeps training and drawing.
// It implements tui.Pool.
type Pool struct {
	mu      sync.Mutex
	free    int
	waiters []chan struct{} // FIFO; a waiter's channel is closed when it is handed a slot
}

// NewPool returns a pool of n slots; n must be at least 1.
func NewPool(n int) *Pool {
	if n < 1 {
		panic("serve: pool needs at least one slot")
	}
	return &Pool{free: n}
}

// Acquire blocks until a slot is free or ctx is done.
func (p *Pool) Acquire(ctx context.Context) error {
	p.mu.Lock()
	if p.free > 0 && len(p.waiters) == 0 {
		p.free--
		p.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	p.waiters = append(p.waiters, ready)
	p.mu.Unlock()

	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		defer p.mu.Unlock()
		select {
		case <-ready:
			// Handed a slot while giving up: pass it on.
			p.releaseLocked()
		default:
			p.removeLocked(ready)
		}
		return ctx.Err()
	}
}

// Release returns a slot taken by Acquire.
func (p *Pool) Release() {
	p.mu.Lock()
	p.releaseLocked()
	p.mu.Unlock()
}

func (p *Pool) releaseLocked() {
	if len(p.waiters) > 0 {
		next := p.waiters[0]
		p.waiters[0] = nil
		p.waiters = p.waiters[1:]
		close(next)
		return
	}
	p.free++
}

func (p *Pool) removeLocked(ready chan struct{}) {
	for i, w := range p.waiters {
		if w == ready {
			p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
			return
		}
	}
}
