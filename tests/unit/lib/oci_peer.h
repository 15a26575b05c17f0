/* oci_peer.h — load an OCI runtime-spec seccomp JSON the way crun 1.8 and
 * runc 1.1 do (libseccomp), for the differential tests of the export. */
#ifndef STK_OCI_PEER_H
#define STK_OCI_PEER_H

#include <linux/filter.h>
#include <stddef.h>

/* Build the filter a runtime would install for the `linux.seccomp` object in
 * json: seccomp_init(defaultAction), every listed architecture added, and for
 * each entry and name one seccomp_rule_add_array with the entry's arguments;
 * names libseccomp does not know are skipped, as crun does by default.
 * Returns 0 and a malloc'd program, or -1 with the reason (a rule the
 * runtime would refuse included). */
int stk_oci_peer_build(const char *json, struct sock_filter **out, size_t *len, char *err, size_t errlen);

#endif
