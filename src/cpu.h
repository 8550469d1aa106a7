/*
 * cpu.h - how many CPUs this run may use (-p's scan, concurrent dumps)
 */
#ifndef DUALSTAT_CPU_H
#define DUALSTAT_CPU_H

/*
 * Returns the number of CPUs the calling thread may run on (its affinity
 * mask, so "taskset -c 0 dualstat" counts one), at least 1.
 */
unsigned int cpu_count(void);

#endif
