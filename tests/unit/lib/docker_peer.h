/* docker_peer.h — an OCI/Docker seccomp profile compiled by libseccomp, the way
 * Docker resolves it and runc/crun hand it to libseccomp (test-only: the
 * peer that `stockade import` is proven against). */
#ifndef STK_DOCKER_PEER_H
#define STK_DOCKER_PEER_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* json: the profile; caps: bit n = capability n held; goarch: Docker's
 * spelling of the machine ("amd64"); kmajor.kminor: the kernel for
 * minKernel.  Returns 0 and a malloc'd program, or -1 with err. */
int stk_docker_peer_build(const char *json, uint64_t caps, const char *goarch, unsigned kmajor, unsigned kminor,
                       struct sock_filter **out, size_t *len, char *err, size_t errlen);

#endif
