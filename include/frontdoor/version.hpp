#pragma once
#define FRONTDOOR_VERSION_MAJOR 0
#define FRONTDOOR_VERSION_MINOR 1
#define FRONTDOOR_VERSION_PATCH 0
namespace frontdoor {
inline constexpr const char* kVersion = "0.1.0";
}
