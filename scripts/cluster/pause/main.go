// The Pod sandbox's process ("pause"): it holds the Pod's namespaces open and does nothing else until
// the runtime stops it. Built static (CGO_ENABLED=0) and packed alone into an image by
// scripts/cluster/images.sh, so the local cluster needs no registry for its sandbox image.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			return
		}
		reapChildren()
	}
}

// reapChildren collects exited children: with a shared process namespace the pause process is PID 1
// and inherits every orphan of the Pod.
func reapChildren() {
	for {
		pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
