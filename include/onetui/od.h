/* SPDX-License-Identifier: GPL-3.0-or-later */
/* od.h: the whole client core API, for front ends that want all of it. */
#ifndef ONETUI_OD_H
#define ONETUI_OD_H

#include "onetui/attrs.h"
#include "onetui/buf.h"
#include "onetui/config.h"
#include "onetui/dataset.h"
#include "onetui/engine.h"
#include "onetui/error.h"
#include "onetui/fileinfo.h"
#include "onetui/json.h"
#include "onetui/log.h"
#include "onetui/provider.h"
#include "onetui/report.h"
#include "onetui/sanitize.h"
#include "onetui/session.h"
#include "onetui/str.h"
#include "onetui/token.h"
#include "onetui/tree.h"
#include "onetui/url.h"
#include "onetui/zone.h"

#endif
