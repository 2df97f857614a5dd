// connect, request /big, read `readBytes` every `everyMs`
const net=require('net');
const [port,path,everyMs,label,stopAfter]=[+process.argv[2],process.argv[3],+process.argv[4],process.argv[5],+(process.argv[6]||0)];
const s=net.connect(port,'127.0.0.1');
const t0=Date.now();let got=0;
s.on('connect',()=>{ s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`); s.pause();
  const it=setInterval(()=>{ if(stopAfter && Date.now()-t0>stopAfter) return; const c=s.read(1); if(c) got+=c.length; },everyMs);
  s.on('close',()=>{clearInterval(it);console.log(label,'closed after',Date.now()-t0,'ms got',got);});
});
s.on('error',e=>console.log(label,'err',e.code, Date.now()-t0));
