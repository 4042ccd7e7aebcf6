/** @file
 * omacp.h - libomacp, the device side of OMA Client Provisioning.
 *
 * Include this one header; it pulls in every module header under omacp/.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_H
#define OMACP_H

#include "omacp/common.h"
#include "omacp/ctx.h"
#include "omacp/doc.h"
#include "omacp/trust.h"
#include "omacp/wsp.h"
#include "omacp/auth.h"
#include "omacp/bootstrap.h"
#include "omacp/store.h"
#include "omacp/csp.h"
#include "omacp/engine.h"
#include "omacp/sms.h"
#include "omacp/push.h"
#include "omacp/send.h"
#include "omacp/tpdu.h"
#include "omacp/cpf.h"

#endif /* OMACP_H */
