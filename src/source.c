/*
 * source.c - the reply source interface, and its kernel implementation
 */
#include "config.h"

#include <errno.h>

#include "source.h"

static int
diag_source_dump(
    void *impl, const struct diag_request *req, diag_msg_cb cb, void *data)
{
	return diag_dump(impl, req, cb, data);
}

static int
diag_source_ifname(void *impl, unsigned int index, char *name)
{
	return diag_ifname(impl, index, name);
}

static const struct source_ops diag_source_ops = {
	.dump = diag_source_dump,
	.ifname = diag_source_ifname,
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

int
source_ifname(const struct source *src, unsigned int index, char *name)
{
	if (src->ops->ifname == NULL)
		return -ENODEV;
	return src->ops->ifname(src->impl, index, name);
}
