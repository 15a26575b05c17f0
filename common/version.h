/* version.h — the release of stockade, one definition for both programs
 * (CHANGELOG.md lists what each release brought). */
#ifndef STK_VERSION_H
#define STK_VERSION_H

#define STK_VERSION "0.2.0"

#endif
