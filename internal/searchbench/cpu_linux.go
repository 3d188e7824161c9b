package searchbench

import (
	"syscall"
	"time"
	"unsafe"
)

// cpuTime is the CPU time this process has used so far (all threads), from CLOCK_PROCESS_CPUTIME_ID: unlike
// wall time, it does not grow when other processes take the cores, which on a shared machine they do.
func cpuTime() (time.Duration, bool) {
	const clockProcessCPUTimeID = 2
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
