package main

import (
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

func signalNotify(c chan<- os.Signal) { signal.Notify(c, syscall.SIGTERM, os.Interrupt) }

func numCPU() int { return runtime.NumCPU() }
