/*
 * source.h - where the sock_diag replies come from: the kernel or a replay
 *
 * listing.c asks a source for the dumps it needs and never knows which one
 * answers: the kernel through diag (optionally recorded, --dump-raw) or a
 * recorded file (--replay).  Either way each reply goes through the same
 * netlink walk (diag_walk()), parser, filters and writers.
 */
#ifndef DUALSTAT_SOURCE_H
#define DUALSTAT_SOURCE_H

#include "diag.h"

struct source_ops {
	/* Same contract as diag_dump(). */
	int (*dump)(void *impl, const struct diag_request *req, diag_msg_cb cb,
	    void *data);
};

struct source {
	const struct source_ops *ops;
	void *impl;
};

/* Makes *src dump from the kernel through d (which the caller owns). */
void source_init_diag(struct source *src, struct diag *d);

/* Dumps what req selects from src; returns as diag_dump(). */
int source_dump(const struct source *src, const struct diag_request *req,
    diag_msg_cb cb, void *data);

#endif
