/*
 * The declarations of the Spinnaker C API (Spinnaker SDK, libSpinnaker_C) that the PsCamSync stand-in exports,
 * written from the published headers SpinnakerC.h, SpinnakerDefsC.h, SpinnakerGenApiC.h and SpinnakerGenApiDefsC.h
 * (checked against mediamonks/spinnaker-spout-cinder include/Spinnaker/spinc/, commit
 * ad106ba2d235e1d440b207154fe07e852dface34, and the generated bindings of samuelpowell/Spinnaker.jl
 * src/wrapper/spin_common.jl, commit 1306e6944f925792030c25c433a81dbde3dca5d1). Only names, values and layouts.
 */
#ifndef PSCAMSYNC_STANDIN_SPINC_DECLS_H
#define PSCAMSYNC_STANDIN_SPINC_DECLS_H

#include <stddef.h>
#include <stdint.h>

typedef uint8_t bool8_t;
typedef void *spinSystem;
typedef void *spinCameraList;
typedef void *spinCamera;
typedef void *spinImage;
typedef void *spinNodeMapHandle;
typedef void *spinNodeHandle;

typedef enum _spinError {
    SPINNAKER_ERR_SUCCESS = 0,
    SPINNAKER_ERR_ERROR = -1001,
    SPINNAKER_ERR_NOT_INITIALIZED = -1002,
    SPINNAKER_ERR_NOT_IMPLEMENTED = -1003,
    SPINNAKER_ERR_RESOURCE_IN_USE = -1004,
    SPINNAKER_ERR_ACCESS_DENIED = -1005,
    SPINNAKER_ERR_INVALID_HANDLE = -1006,
    SPINNAKER_ERR_INVALID_ID = -1007,
    SPINNAKER_ERR_NO_DATA = -1008,
    SPINNAKER_ERR_INVALID_PARAMETER = -1009,
    SPINNAKER_ERR_IO = -1010,
    SPINNAKER_ERR_TIMEOUT = -1011,
    SPINNAKER_ERR_ABORT = -1012,
    SPINNAKER_ERR_INVALID_BUFFER = -1013,
    SPINNAKER_ERR_NOT_AVAILABLE = -1014,
    SPINNAKER_ERR_INVALID_ADDRESS = -1015,
    SPINNAKER_ERR_BUFFER_TOO_SMALL = -1016,
    SPINNAKER_ERR_INVALID_INDEX = -1017,
    SPINNAKER_ERR_PARSING_CHUNK_DATA = -1018,
    SPINNAKER_ERR_INVALID_VALUE = -1019,
    SPINNAKER_ERR_RESOURCE_EXHAUSTED = -1020,
    SPINNAKER_ERR_OUT_OF_MEMORY = -1021,
    SPINNAKER_ERR_BUSY = -1022,
    GENICAM_ERR_INVALID_ARGUMENT = -2001,
    GENICAM_ERR_OUT_OF_RANGE = -2002,
    GENICAM_ERR_PROPERTY = -2003,
    GENICAM_ERR_RUN_TIME = -2004,
    GENICAM_ERR_LOGICAL = -2005,
    GENICAM_ERR_ACCESS = -2006,
    GENICAM_ERR_TIMEOUT = -2007,
    GENICAM_ERR_DYNAMIC_CAST = -2008,
    GENICAM_ERR_GENERIC = -2009,
    GENICAM_ERR_BAD_ALLOCATION = -2010,
    SPINNAKER_ERR_IM_CONVERT = -3001,
    SPINNAKER_ERR_IM_COPY = -3002,
    SPINNAKER_ERR_IM_MALLOC = -3003,
    SPINNAKER_ERR_IM_NOT_SUPPORTED = -3004,
    SPINNAKER_ERR_IM_HISTOGRAM_RANGE = -3005,
    SPINNAKER_ERR_IM_HISTOGRAM_MEAN = -3006,
    SPINNAKER_ERR_IM_MIN_MAX = -3007,
    SPINNAKER_ERR_IM_COLOR_CONVERSION = -3008,
    SPINNAKER_ERR_CUSTOM_ID = -10000
} spinError;

typedef enum _spinNodeType {
    ValueNode, BaseNode, IntegerNode, BooleanNode, FloatNode, CommandNode, StringNode, RegisterNode,
    EnumerationNode, EnumEntryNode, CategoryNode, PortNode, UnknownNode = -1
} spinNodeType;

typedef enum _actionCommandStatus {
    ACTION_COMMAND_STATUS_OK = 0,
    ACTION_COMMAND_STATUS_NO_REF_TIME = 0x8013,
    ACTION_COMMAND_STATUS_OVERFLOW = 0x8015,
    ACTION_COMMAND_STATUS_ACTION_LATE = 0x8016,
    ACTION_COMMAND_STATUS_ERROR = 0x8FFF
} actionCommandStatus;

typedef struct _actionCommandResult {
    unsigned int DeviceAddress;
    actionCommandStatus Status;
} actionCommandResult;

#define SPINC_API __attribute__((visibility("default"))) spinError

/* SpinnakerC.h */
SPINC_API spinSystemGetInstance(spinSystem *phSystem);
SPINC_API spinSystemReleaseInstance(spinSystem hSystem);
SPINC_API spinSystemGetCameras(spinSystem hSystem, spinCameraList hCameraList);
SPINC_API spinSystemSendActionCommand(spinSystem hSystem, size_t iDeviceKey, size_t iGroupKey, size_t iGroupMask,
    size_t iActionTime, size_t *piResultSize, actionCommandResult results[]);
SPINC_API spinCameraListCreateEmpty(spinCameraList *phCameraList);
SPINC_API spinCameraListDestroy(spinCameraList hCameraList);
SPINC_API spinCameraListGetSize(spinCameraList hCameraList, size_t *pSize);
SPINC_API spinCameraListGet(spinCameraList hCameraList, size_t index, spinCamera *phCamera);
SPINC_API spinCameraListClear(spinCameraList hCameraList);
SPINC_API spinCameraListGetBySerial(spinCameraList hCameraList, const char *pSerial, spinCamera *phCamera);
SPINC_API spinCameraInit(spinCamera hCamera);
SPINC_API spinCameraDeInit(spinCamera hCamera);
SPINC_API spinCameraGetNodeMap(spinCamera hCamera, spinNodeMapHandle *phNodeMap);
SPINC_API spinCameraGetTLDeviceNodeMap(spinCamera hCamera, spinNodeMapHandle *phNodeMap);
SPINC_API spinCameraBeginAcquisition(spinCamera hCamera);
SPINC_API spinCameraEndAcquisition(spinCamera hCamera);
SPINC_API spinCameraGetNextImageEx(spinCamera hCamera, uint64_t grabTimeout, spinImage *phImage);
SPINC_API spinCameraRelease(spinCamera hCamera);
SPINC_API spinImageGetData(spinImage hImage, void **ppData);
SPINC_API spinImageGetBufferSize(spinImage hImage, size_t *pSize);
SPINC_API spinImageGetValidPayloadSize(spinImage hImage, size_t *pSize);
SPINC_API spinImageGetWidth(spinImage hImage, size_t *pWidth);
SPINC_API spinImageGetHeight(spinImage hImage, size_t *pHeight);
SPINC_API spinImageGetFrameID(spinImage hImage, uint64_t *pFrameID);
SPINC_API spinImageGetTimeStamp(spinImage hImage, uint64_t *pTimeStamp);
SPINC_API spinImageIsIncomplete(spinImage hImage, bool8_t *pbIsIncomplete);
SPINC_API spinImageRelease(spinImage hImage);

/* SpinnakerGenApiC.h */
SPINC_API spinNodeMapGetNode(spinNodeMapHandle hNodeMap, const char *pName, spinNodeHandle *phNode);
SPINC_API spinNodeMapGetNumNodes(spinNodeMapHandle hNodeMap, size_t *pValue);
SPINC_API spinNodeMapGetNodeByIndex(spinNodeMapHandle hNodeMap, size_t index, spinNodeHandle *phNode);
SPINC_API spinNodeIsImplemented(spinNodeHandle hNode, bool8_t *pbResult);
SPINC_API spinNodeIsReadable(spinNodeHandle hNode, bool8_t *pbResult);
SPINC_API spinNodeIsWritable(spinNodeHandle hNode, bool8_t *pbResult);
SPINC_API spinNodeIsAvailable(spinNodeHandle hNode, bool8_t *pbResult);
SPINC_API spinNodeGetName(spinNodeHandle hNode, char *pBuf, size_t *pBufLen);
SPINC_API spinNodeGetType(spinNodeHandle hNode, spinNodeType *pType);
SPINC_API spinStringSetValue(spinNodeHandle hNode, const char *pBuf);
SPINC_API spinStringGetValue(spinNodeHandle hNode, char *pBuf, size_t *pBufLen);
SPINC_API spinIntegerSetValue(spinNodeHandle hNode, int64_t value);
SPINC_API spinIntegerGetValue(spinNodeHandle hNode, int64_t *pValue);
SPINC_API spinFloatSetValue(spinNodeHandle hNode, double value);
SPINC_API spinFloatGetValue(spinNodeHandle hNode, double *pValue);
SPINC_API spinFloatGetMax(spinNodeHandle hNode, double *pValue);
SPINC_API spinEnumerationGetNumEntries(spinNodeHandle hNode, size_t *pValue);
SPINC_API spinEnumerationGetEntryByIndex(spinNodeHandle hNode, size_t index, spinNodeHandle *phEntry);
SPINC_API spinEnumerationGetEntryByName(spinNodeHandle hNode, const char *pName, spinNodeHandle *phEntry);
SPINC_API spinEnumerationGetCurrentEntry(spinNodeHandle hNode, spinNodeHandle *phEntry);
SPINC_API spinEnumerationSetIntValue(spinNodeHandle hNode, int64_t value);
SPINC_API spinEnumerationEntryGetIntValue(spinNodeHandle hNode, int64_t *pValue);
SPINC_API spinEnumerationEntryGetSymbolic(spinNodeHandle hNode, char *pBuf, size_t *pBufLen);
SPINC_API spinBooleanSetValue(spinNodeHandle hNode, bool8_t value);
SPINC_API spinBooleanGetValue(spinNodeHandle hNode, bool8_t *pbValue);
SPINC_API spinCommandExecute(spinNodeHandle hNode);

#endif
