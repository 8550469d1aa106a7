/*
 * source.c - the reply source interface, and its kernel implementation
 */
#include "source.h"

static int
diag_source_dump(
    void *impl, const struct diag_request *req, diag_msg_cb cb, void *data)
{
	return diag_dump(impl, req, cb, data);
}

static const struct source_ops diag_source_ops = {
	.dump = diag_source_dump,
};

void
source_init_diag(struct source *src, struct diag *d)
{
	src->ops = &diag_source_ops;
	src->impl = d;
}

int
source_dump(const struct source *src, const struct diag_request *req,
    diag_msg_cb cb, void *data)
{
	return src->ops->dump(src->impl, req, cb, data);
}
