// The PsCamSync recorder: records one take detached from the session that started it (see RecorderProcess).
//   dotnet PsCamSync.Recorder.dll <start-request.json>
return PsCamSync.Core.Recording.RecorderProcess.Run(args);
