/*
 * cpu.c - the CPUs a run may use: how wide -p's scan and the concurrent
 * dumps go
 *
 * The affinity mask, not the CPUs online: a run confined with taskset or
 * a cgroup cpuset gains nothing from threads it cannot run at once.
 */
#include "config.h"

#include <sched.h>

#include "cpu.h"

unsigned int
cpu_count(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	n = CPU_COUNT(&set);
	return n > 0 ? (unsigned int)n : 1;
}
